using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Meterline.HeadEnd.Pkcs11;

/// <summary>
/// A key provider whose keys live in a PKCS#11 token and never leave it: an AES-256 key-encryption key (sensitive,
/// not extractable, created on first use by label) wraps secrets with CKM_AES_GCM — blob = version (1) ‖ nonce (12
/// bytes from <see cref="RandomNumberGenerator"/>) ‖ ciphertext ‖ tag (16), the binding (meter, kind, generation) as
/// associated data; a generic secret key computes fingerprints with CKM_SHA256_HMAC; the head-end's ECDSA P-256 key
/// pair is generated in the token (CKM_EC_KEY_PAIR_GEN, private key sensitive and not extractable) on first use and
/// signs with CKM_ECDSA. The KEK id is the hex of the KEK's CKA_ID (8 random bytes given at creation). One logged-in
/// session, used under a lock (thread-safe). Dispose logs out and finalises the module; one provider per module and process.
/// </summary>
public sealed class Pkcs11KeyProvider : IKeyProvider, IDisposable
{
    public const string Id = "pkcs11";

    private const byte BlobVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int MaxSecretLength = 1024;
    private const int MaxPinLength = 256;

    /// <summary>DER of the OID 1.2.840.10045.3.1.7 (prime256v1 / NIST P-256).</summary>
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    private readonly Lock _lock = new();
    private readonly Pkcs11InteropFactories _factories = new();
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly string _prefix;
    private readonly IObjectHandle _kek;
    private readonly IObjectHandle _fingerprintKey;
    private Pkcs11HesSigner? _signer;
    private IObjectHandle? _signingKey;
    private bool _disposed;

    private Pkcs11KeyProvider(Pkcs11KeyProviderOptions options, byte[] pin)
    {
        _prefix = options.ObjectLabelPrefix;
        NativeLibraryResolver.EnsureInstalled();
        try
        {
            _library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, options.ModulePath, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException)
        {
            throw new KeyProviderException($"The PKCS#11 module {options.ModulePath} cannot be loaded or initialised.", e);
        }

        try
        {
            var slots = _library.GetSlotList(SlotsType.WithTokenPresent).Where(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel).ToList();
            if (slots.Count != 1)
            {
                throw new KeyProviderException(slots.Count == 0
                    ? $"No token labelled '{options.TokenLabel}' is present in {options.ModulePath}."
                    : $"{slots.Count} tokens are labelled '{options.TokenLabel}' in {options.ModulePath}.");
            }

            _session = slots[0].OpenSession(SessionType.ReadWrite);
            try
            {
                _session.Login(CKU.CKU_USER, pin);
            }
            catch (Pkcs11Exception e)
            {
                _session.Dispose();
                throw new KeyProviderException($"Login to token '{options.TokenLabel}' failed ({e.RV}).", e);
            }

            _kek = FindOrCreateSecretKey(_prefix + "-kek", CKK.CKK_AES, CKM.CKM_AES_KEY_GEN, encrypt: true);
            _fingerprintKey = FindOrCreateSecretKey(_prefix + "-fingerprint", CKK.CKK_GENERIC_SECRET, CKM.CKM_GENERIC_SECRET_KEY_GEN, encrypt: false);
            var id = _session.GetAttributeValue(_kek, [CKA.CKA_ID])[0].GetValueAsByteArray();
            KeyEncryptionKeyId = Convert.ToHexStringLower(id);
        }
        catch
        {
            _library.Dispose();
            throw;
        }
    }

    public string ProviderId => Id;

    public string KeyEncryptionKeyId { get; }

    /// <summary>Loads the module, logs in to the token and finds or creates the key-encryption and fingerprint keys.</summary>
    public static Pkcs11KeyProvider Open(Pkcs11KeyProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModulePath, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TokenLabel, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ObjectLabelPrefix, nameof(options));
        var pin = ReadPin(options);
        try
        {
            return new Pkcs11KeyProvider(options, pin);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    public WrappedKey Wrap(KeyBinding binding, ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty || secret.Length > MaxSecretLength)
        {
            throw new ArgumentException($"A secret to wrap is 1 to {MaxSecretLength} bytes.", nameof(secret));
        }

        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var plain = secret.ToArray();
        try
        {
            byte[] sealedBytes;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var parameters = GcmParameters(nonce, binding);
                using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
                sealedBytes = _session.Encrypt(mechanism, _kek, plain);
            }

            var blob = new byte[1 + NonceLength + sealedBytes.Length];
            blob[0] = BlobVersion;
            nonce.CopyTo(blob, 1);
            sealedBytes.CopyTo(blob, 1 + NonceLength);
            return new WrappedKey(Id, KeyEncryptionKeyId, blob);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public byte[] Unwrap(KeyBinding binding, WrappedKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (wrapped.ProviderId != Id)
        {
            throw new KeyUnwrapException($"The key of {binding} was wrapped by the '{wrapped.ProviderId}' provider, not by the PKCS#11 provider.");
        }

        if (wrapped.KeyEncryptionKeyId != KeyEncryptionKeyId)
        {
            throw new KeyUnwrapException($"The key of {binding} was wrapped under key-encryption key {wrapped.KeyEncryptionKeyId}; this provider holds {KeyEncryptionKeyId}.");
        }

        var blob = wrapped.Blob.Span;
        if (blob.Length < 1 + NonceLength + 1 + TagLength || blob.Length > 1 + NonceLength + MaxSecretLength + TagLength)
        {
            throw new KeyUnwrapException(string.Create(CultureInfo.InvariantCulture, $"The wrapped blob of the key of {binding} has an impossible length ({blob.Length} bytes)."));
        }

        if (blob[0] != BlobVersion)
        {
            throw new KeyUnwrapException(string.Create(CultureInfo.InvariantCulture, $"The wrapped blob of the key of {binding} has unknown format version {blob[0]}."));
        }

        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var parameters = GcmParameters(blob.Slice(1, NonceLength).ToArray(), binding);
                using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
                return _session.Decrypt(mechanism, _kek, blob[(1 + NonceLength)..].ToArray());
            }
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyUnwrapException($"Authentication of the key of {binding} failed ({e.RV}): the blob was altered, or belongs to another meter, kind or generation.", e);
        }
    }

    public byte[] Fingerprint(ReadOnlySpan<byte> secret)
    {
        var plain = secret.ToArray();
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_SHA256_HMAC);
                return _session.Sign(mechanism, _fingerprintKey, plain);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public IHesSigner Signer
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _signer ??= FindOrCreateSigner();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                _session.Logout();
            }
            catch (Pkcs11Exception)
            {
                // Already logged out (e.g. the token was removed): closing is all that is left.
            }

            _session.Dispose();
            _library.Dispose();
        }
    }

    public override string ToString() => $"PKCS#11 key provider (key-encryption key {KeyEncryptionKeyId})";

    internal byte[] SignDigest(byte[] digest)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return _session.Sign(mechanism, _signingKey!, digest);
        }
    }

    private static byte[] ReadPin(Pkcs11KeyProviderOptions options)
    {
        if ((options.PinEnvironmentVariable is null) == (options.PinFile is null))
        {
            throw new ArgumentException("Give exactly one of a PIN environment variable and a PIN file.", nameof(options));
        }

        byte[] pin;
        if (options.PinEnvironmentVariable is { } variable)
        {
            var text = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(text))
            {
                throw new KeyProviderException($"The environment variable {variable} (the token's user PIN) is not set.");
            }

            pin = Encoding.UTF8.GetBytes(text);
        }
        else
        {
            var bytes = OwnerOnlyFile.ReadAllBytes(options.PinFile!, MaxPinLength);
            var length = bytes.AsSpan().TrimEnd("\r\n"u8).Length;
            pin = bytes[..length];
            CryptographicOperations.ZeroMemory(bytes);
            if (length == 0)
            {
                throw new KeyProviderException($"The PIN file {options.PinFile} is empty.");
            }
        }

        return pin;
    }

    private Net.Pkcs11Interop.HighLevelAPI.MechanismParams.ICkGcmParams GcmParameters(byte[] nonce, KeyBinding binding) =>
        _factories.MechanismParamsFactory.CreateCkGcmParams(nonce, NonceLength * 8, binding.ToAssociatedData(), TagLength * 8);

    private IObjectAttribute Attribute(CKA type, bool value) => _factories.ObjectAttributeFactory.Create(type, value);

    private IObjectAttribute Attribute(CKA type, ulong value) => _factories.ObjectAttributeFactory.Create(type, value);

    private IObjectAttribute Attribute(CKA type, string value) => _factories.ObjectAttributeFactory.Create(type, value);

    private IObjectAttribute Attribute(CKA type, byte[] value) => _factories.ObjectAttributeFactory.Create(type, value);

    private List<IObjectHandle> Find(CKO objectClass, string label) =>
        _session.FindAllObjects([Attribute(CKA.CKA_CLASS, (ulong)objectClass), Attribute(CKA.CKA_LABEL, label)]);

    private IObjectHandle FindOrCreateSecretKey(string label, CKK keyType, CKM generator, bool encrypt)
    {
        var found = Find(CKO.CKO_SECRET_KEY, label);
        if (found.Count > 1)
        {
            throw new KeyProviderException($"{found.Count} secret keys are labelled '{label}' in the token.");
        }

        if (found.Count == 1)
        {
            var attributes = _session.GetAttributeValue(found[0], [CKA.CKA_KEY_TYPE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
            if (attributes[0].GetValueAsUlong() != (ulong)keyType || !attributes[1].GetValueAsBool() || attributes[2].GetValueAsBool())
            {
                throw new KeyProviderException($"The key '{label}' in the token is not a sensitive, non-extractable {keyType} key.");
            }

            return found[0];
        }

        using var mechanism = _factories.MechanismFactory.Create(generator);
        return _session.GenerateKey(mechanism,
        [
            Attribute(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY),
            Attribute(CKA.CKA_KEY_TYPE, (ulong)keyType),
            Attribute(CKA.CKA_VALUE_LEN, 32UL),
            Attribute(CKA.CKA_LABEL, label),
            Attribute(CKA.CKA_ID, RandomNumberGenerator.GetBytes(8)),
            Attribute(CKA.CKA_TOKEN, true),
            Attribute(CKA.CKA_PRIVATE, true),
            Attribute(CKA.CKA_SENSITIVE, true),
            Attribute(CKA.CKA_EXTRACTABLE, false),
            Attribute(CKA.CKA_ENCRYPT, encrypt),
            Attribute(CKA.CKA_DECRYPT, encrypt),
            Attribute(CKA.CKA_WRAP, false),
            Attribute(CKA.CKA_UNWRAP, false),
            Attribute(CKA.CKA_SIGN, !encrypt),
            Attribute(CKA.CKA_VERIFY, !encrypt),
            Attribute(CKA.CKA_DERIVE, false),
        ]);
    }

    private Pkcs11HesSigner FindOrCreateSigner()
    {
        var label = _prefix + "-hes-signing";
        var privateKeys = Find(CKO.CKO_PRIVATE_KEY, label);
        var publicKeys = Find(CKO.CKO_PUBLIC_KEY, label);
        if (privateKeys.Count > 1 || publicKeys.Count > 1 || privateKeys.Count != publicKeys.Count)
        {
            throw new KeyProviderException($"The token holds {privateKeys.Count} private and {publicKeys.Count} public keys labelled '{label}'; it needs one pair.");
        }

        IObjectHandle publicKey;
        if (privateKeys.Count == 1)
        {
            _signingKey = privateKeys[0];
            publicKey = publicKeys[0];
            var attributes = _session.GetAttributeValue(_signingKey, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
            if (!attributes[0].GetValueAsBool() || attributes[1].GetValueAsBool())
            {
                throw new KeyProviderException($"The private key '{label}' in the token is not sensitive and non-extractable.");
            }
        }
        else
        {
            var id = RandomNumberGenerator.GetBytes(8);
            using var mechanism = _factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            _session.GenerateKeyPair(mechanism,
                [
                    Attribute(CKA.CKA_TOKEN, true),
                    Attribute(CKA.CKA_PRIVATE, false),
                    Attribute(CKA.CKA_VERIFY, true),
                    Attribute(CKA.CKA_EC_PARAMS, P256Parameters),
                    Attribute(CKA.CKA_LABEL, label),
                    Attribute(CKA.CKA_ID, id),
                ],
                [
                    Attribute(CKA.CKA_TOKEN, true),
                    Attribute(CKA.CKA_PRIVATE, true),
                    Attribute(CKA.CKA_SENSITIVE, true),
                    Attribute(CKA.CKA_EXTRACTABLE, false),
                    Attribute(CKA.CKA_SIGN, true),
                    Attribute(CKA.CKA_LABEL, label),
                    Attribute(CKA.CKA_ID, id),
                ],
                out publicKey,
                out var privateKey);
            _signingKey = privateKey;
        }

        var parameters = _session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray();
        if (!parameters.AsSpan().SequenceEqual(P256Parameters))
        {
            throw new KeyProviderException($"The key pair '{label}' in the token is not on curve P-256.");
        }

        var point = _session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
        return new Pkcs11HesSigner(this, DecodePoint(point, label));
    }

    /// <summary>CKA_EC_POINT is a DER OCTET STRING holding 04 ‖ X ‖ Y (some tokens give the raw point).</summary>
    private static byte[] DecodePoint(byte[] value, string label)
    {
        var point = value;
        if (value.Length != 65)
        {
            try
            {
                point = AsnDecoder.ReadOctetString(value, AsnEncodingRules.DER, out var consumed);
                if (consumed != value.Length)
                {
                    point = [];
                }
            }
            catch (AsnContentException)
            {
                point = [];
            }
        }

        if (point.Length != 65 || point[0] != 0x04)
        {
            throw new KeyProviderException($"The public key '{label}' in the token is not an uncompressed P-256 point.");
        }

        return point;
    }
}
