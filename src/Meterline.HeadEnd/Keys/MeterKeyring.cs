using System.Security.Cryptography;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Unwraps a meter's stored keys through the key provider on every call and caches nothing: the plaintext lives only
/// in the <see cref="MeterSecrets"/> returned, which the caller disposes (zeroing it) when its session ends. A store
/// that lacks one of the three AES keys of a generation is an error, not a partial answer.
/// </summary>
public sealed class MeterKeyring : IMeterKeyring
{
    private readonly IMeterKeyStore _store;
    private readonly IKeyProvider _provider;

    public MeterKeyring(IMeterKeyStore store, IKeyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(provider);
        _store = store;
        _provider = provider;
    }

    public async Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        var stored = await _store.GetAsync(meter, generation, cancellationToken).ConfigureAwait(false);
        if (stored.Count == 0)
        {
            return null;
        }

        byte[]? encryption = null, authentication = null, master = null, password = null;
        try
        {
            foreach (var key in stored)
            {
                if (key.Meter != meter || key.Generation != generation)
                {
                    throw new InvalidDataException($"The key store answered for meter {key.Meter}, generation {key.Generation} when asked for meter {meter}, generation {generation}.");
                }

                if (key.Kind == MeterKeyKind.MqttPassword)
                {
                    // A transport credential, not a DLMS key: the MQTT transport reads it itself.
                    continue;
                }

                var plain = _provider.Unwrap(new KeyBinding(meter, key.Kind, generation), key.Key);
                ref var slot = ref Slot(key.Kind, ref encryption, ref authentication, ref master, ref password);
                if (slot is not null)
                {
                    CryptographicOperations.ZeroMemory(plain);
                    throw new InvalidDataException($"Meter {meter}, generation {generation} has its {key.Kind} key stored twice.");
                }

                slot = plain;
            }

            if (encryption is null || authentication is null || master is null)
            {
                var missing = encryption is null ? MeterKeyKind.Encryption : authentication is null ? MeterKeyKind.Authentication : MeterKeyKind.Master;
                throw new InvalidDataException($"Meter {meter}, generation {generation} has no {missing} key stored.");
            }

            return new MeterSecrets(meter, generation, encryption, authentication, master, password ?? []);
        }
        finally
        {
            Zero(encryption);
            Zero(authentication);
            Zero(master);
            Zero(password);
        }
    }

    private static ref byte[]? Slot(MeterKeyKind kind, ref byte[]? encryption, ref byte[]? authentication, ref byte[]? master, ref byte[]? password)
    {
        switch (kind)
        {
            case MeterKeyKind.Encryption:
                return ref encryption;
            case MeterKeyKind.Authentication:
                return ref authentication;
            case MeterKeyKind.Master:
                return ref master;
            case MeterKeyKind.ReaderPassword:
                return ref password;
            default:
                throw new InvalidDataException($"Unknown meter key kind {(int)kind}.");
        }
    }

    private static void Zero(byte[]? bytes)
    {
        if (bytes is not null)
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
