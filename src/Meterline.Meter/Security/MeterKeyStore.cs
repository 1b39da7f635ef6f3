using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Security;

/// <summary>
/// The meter's secrets: the global unicast encryption key (EK), the authentication key (AK), the master key (KEK),
/// the optional global broadcast encryption key, and the LLS secret of the meter-reader association.
/// <para>
/// <see cref="Erase"/> (the cover-open tamper response) drops EK, AK, broadcast key and KEK: afterwards no
/// association that needs a key can be opened and no key can be transferred remotely (there is no KEK to unwrap
/// with), so re-keying is an on-site operation through <see cref="Install"/>. The LLS secret stays, so the meter
/// reader can still read the meter on site. <see cref="CipherKey"/> (Meterline.Dlms) has no way to zero its bytes
/// from outside that assembly, so erasing drops every reference the store holds and the bytes are reclaimed, not
/// overwritten; a zeroing <c>CipherKey.Dispose</c> in Meterline.Dlms would complete it.
/// </para>
/// <para>
/// The store also holds the head-end's public key, the trust anchor of signed commands
/// (<see cref="HesPublicKey"/>). It is public, so <see cref="Erase"/> keeps it: a tamper must not turn off the
/// meter's demand for signed commands.
/// </para>
/// Keys are compared in fixed time (<see cref="CipherKey.Equals(CipherKey?)"/>); nothing here prints a key. Not
/// thread-safe: the meter serialises access.
/// </summary>
public sealed class MeterKeyStore
{
    private CipherKey? _encryptionKey;
    private CipherKey? _broadcastKey;
    private CipherKey? _authenticationKey;
    private CipherKey? _masterKey;

    /// <summary>A store without keys, optionally with the meter reader's LLS secret.</summary>
    public MeterKeyStore(LlsPassword? llsSecret = null)
    {
        LlsSecret = llsSecret;
    }

    /// <summary>A secret was set or erased. Carries which one, never its value.</summary>
    public event EventHandler<KeyChangedEventArgs>? KeysChanged;

    /// <summary>True when EK, AK and KEK are all present (the broadcast key is optional).</summary>
    public bool HasKeys => _encryptionKey is not null && _authenticationKey is not null && _masterKey is not null;

    /// <summary>The global unicast encryption key, or null.</summary>
    public CipherKey? GlobalUnicastEncryptionKey => _encryptionKey;

    /// <summary>The global broadcast encryption key, or null.</summary>
    public CipherKey? GlobalBroadcastEncryptionKey => _broadcastKey;

    /// <summary>The authentication key, or null.</summary>
    public CipherKey? AuthenticationKey => _authenticationKey;

    /// <summary>The master key (KEK), or null.</summary>
    public CipherKey? MasterKey => _masterKey;

    /// <summary>The meter-reader association's LLS secret, or null.</summary>
    public LlsPassword? LlsSecret { get; private set; }

    /// <summary>The head-end's public key the meter trusts (0x04 ‖ X ‖ Y, 65 bytes), or null when it holds none.</summary>
    public ReadOnlyMemory<byte>? HesPublicKey { get; private set; }

    /// <summary>
    /// <see cref="HesPublicKey"/> as a key that verifies signatures, or null. A replaced key is dropped, not disposed:
    /// associations opened before the change may still verify with it.
    /// </summary>
    public ECDsa? HesVerificationKey { get; private set; }

    /// <summary>Installs EK, AK and KEK (on site, or at manufacture); raises <see cref="KeysChanged"/> for each that changed.</summary>
    public void Install(CipherKey encryptionKey, CipherKey authenticationKey, CipherKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(encryptionKey);
        ArgumentNullException.ThrowIfNull(authenticationKey);
        ArgumentNullException.ThrowIfNull(masterKey);
        Apply([
            (MeterKeyId.GlobalUnicastEncryptionKey, encryptionKey),
            (MeterKeyId.AuthenticationKey, authenticationKey),
            (MeterKeyId.MasterKey, masterKey),
        ]);
    }

    /// <summary>Sets the global broadcast encryption key.</summary>
    public void SetGlobalBroadcastEncryptionKey(CipherKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Apply([(MeterKeyId.GlobalBroadcastEncryptionKey, key)]);
    }

    /// <summary>Sets the meter-reader association's LLS secret.</summary>
    public void SetLlsSecret(LlsPassword secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        LlsSecret = secret;
        KeysChanged?.Invoke(this, new KeyChangedEventArgs(MeterKeyId.LlsSecret, erased: false));
    }

    /// <summary>
    /// Sets the head-end's public key (the trust anchor of signed commands); raises <see cref="KeysChanged"/> when it
    /// changed. Returns false, changing nothing, when <paramref name="publicKey"/> is not an uncompressed P-256 point.
    /// </summary>
    public bool TrySetHesPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!TryImportHesKey(publicKey, out var key))
        {
            return false;
        }

        if (HesPublicKey is { } current && current.Span.SequenceEqual(publicKey))
        {
            key.Dispose();
            return true;
        }

        HesPublicKey = publicKey.ToArray();
        HesVerificationKey = key;
        KeysChanged?.Invoke(this, new KeyChangedEventArgs(MeterKeyId.HesPublicKey, erased: false));
        return true;
    }

    /// <summary>True when <paramref name="publicKey"/> is an uncompressed P-256 point 0x04 ‖ X ‖ Y (65 bytes) on the curve.</summary>
    public static bool IsValidHesPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!TryImportHesKey(publicKey, out var key))
        {
            return false;
        }

        key.Dispose();
        return true;
    }

    /// <summary>
    /// Replaces several keys at once (all are set before any event is raised); returns the ids that actually changed.
    /// Used by global_key_transfer after every key was unwrapped.
    /// </summary>
    public IReadOnlyList<MeterKeyId> Apply(IReadOnlyList<(MeterKeyId Id, CipherKey Key)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (id, key) in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (id is not (MeterKeyId.GlobalUnicastEncryptionKey or MeterKeyId.GlobalBroadcastEncryptionKey
                or MeterKeyId.AuthenticationKey or MeterKeyId.MasterKey))
            {
                throw new ArgumentOutOfRangeException(nameof(keys), id, "Not a cipher key id");
            }
        }

        var changed = new List<MeterKeyId>();
        foreach (var (id, key) in keys)
        {
            ref var slot = ref Slot(id);
            if (!key.Equals(slot))
            {
                slot = key;
                changed.Add(id);
            }
        }

        foreach (var id in changed)
        {
            KeysChanged?.Invoke(this, new KeyChangedEventArgs(id, erased: false));
        }

        return changed;
    }

    /// <summary>
    /// Drops EK, AK, broadcast key and KEK (tamper response); the LLS secret stays. Raises
    /// <see cref="KeysChanged"/> (erased) for each key that was present.
    /// </summary>
    public void Erase()
    {
        var erased = new List<MeterKeyId>();
        foreach (var id in new[] { MeterKeyId.GlobalUnicastEncryptionKey, MeterKeyId.GlobalBroadcastEncryptionKey, MeterKeyId.AuthenticationKey, MeterKeyId.MasterKey })
        {
            ref var slot = ref Slot(id);
            if (slot is not null)
            {
                slot = null;
                erased.Add(id);
            }
        }

        foreach (var id in erased)
        {
            KeysChanged?.Invoke(this, new KeyChangedEventArgs(id, erased: true));
        }
    }

    /// <summary>A copy of every secret as bytes, for persistence.</summary>
    public MeterKeyMaterial Snapshot() => new(
        Copy(_encryptionKey),
        Copy(_broadcastKey),
        Copy(_authenticationKey),
        Copy(_masterKey),
        LlsSecret?.ToArray() ?? default,
        HesPublicKey?.ToArray() ?? default);

    /// <summary>
    /// Replaces every secret with persisted material (no <see cref="KeysChanged"/>: loading is not a change).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A key member is neither empty nor 16 bytes, or the head-end public key is neither empty nor a P-256 point.
    /// </exception>
    public void Restore(MeterKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        var encryption = Load(material.GlobalUnicastEncryptionKey, nameof(material.GlobalUnicastEncryptionKey));
        var broadcast = Load(material.GlobalBroadcastEncryptionKey, nameof(material.GlobalBroadcastEncryptionKey));
        var authentication = Load(material.AuthenticationKey, nameof(material.AuthenticationKey));
        var master = Load(material.MasterKey, nameof(material.MasterKey));
        ECDsa? hesKey = null;
        if (!material.HesPublicKey.IsEmpty && !TryImportHesKey(material.HesPublicKey.Span, out hesKey))
        {
            throw new ArgumentException("HesPublicKey must be empty or an uncompressed P-256 point (65 bytes)", nameof(material));
        }

        HesPublicKey = hesKey is null ? null : (ReadOnlyMemory<byte>?)material.HesPublicKey.ToArray();
        HesVerificationKey = hesKey;
        _encryptionKey = encryption;
        _broadcastKey = broadcast;
        _authenticationKey = authentication;
        _masterKey = master;
        LlsSecret = material.LlsSecret.IsEmpty ? null : LlsPassword.FromBytes(material.LlsSecret.Span);
    }

    /// <summary>True when <paramref name="candidate"/> is the stored key <paramref name="id"/> (fixed time).</summary>
    public bool Matches(MeterKeyId id, CipherKey candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Equals(Slot(id));
    }

    private ref CipherKey? Slot(MeterKeyId id)
    {
        switch (id)
        {
            case MeterKeyId.GlobalUnicastEncryptionKey:
                return ref _encryptionKey;
            case MeterKeyId.GlobalBroadcastEncryptionKey:
                return ref _broadcastKey;
            case MeterKeyId.AuthenticationKey:
                return ref _authenticationKey;
            case MeterKeyId.MasterKey:
                return ref _masterKey;
            default:
                throw new ArgumentOutOfRangeException(nameof(id), id, "Not a cipher key id");
        }
    }

    private static bool TryImportHesKey(ReadOnlySpan<byte> publicKey, [NotNullWhen(true)] out ECDsa? key)
    {
        key = null;
        if (publicKey.Length != 1 + EcdsaP256.PublicKeyLength || publicKey[0] != 0x04)
        {
            return false;
        }

        try
        {
            key = EcdsaP256.ImportPublicKey(publicKey[1..]);
            return true;
        }
        catch (Dlms.DlmsSecurityException)
        {
            return false;
        }
    }

    private static ReadOnlyMemory<byte> Copy(CipherKey? key)
    {
        if (key is null)
        {
            return default;
        }

        var bytes = new byte[CipherKey.Length];
        key.CopyTo(bytes);
        return bytes;
    }

    private static CipherKey? Load(ReadOnlyMemory<byte> bytes, string name)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        if (bytes.Length != CipherKey.Length)
        {
            throw new ArgumentException($"{name} must be empty or {CipherKey.Length} bytes", name);
        }

        return CipherKey.FromBytes(bytes.Span);
    }
}
