using System.Security.Cryptography;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;

namespace Meterline.HeadEnd.Mqtt.Credentials;

/// <summary>
/// Meters' MQTT passwords, kept like their DLMS keys: wrapped by the node's <see cref="IKeyProvider"/> (bound to the
/// meter and <see cref="MeterKeyKind.MqttPassword"/>) in the <see cref="IMeterKeyStore"/>, never in plain text. A
/// password is issued once per meter at provisioning (<see cref="IssueAsync"/>) and handed out only then (for the
/// installation document and the simulator's provisioning file); <see cref="VerifyAsync"/> checks a CONNECT's
/// credentials with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </summary>
public sealed class MqttCredentialStore
{
    /// <summary>The key generation a password issued after provisioning is stored under (one imported with the meter's keys is stored with them).</summary>
    public const int Generation = 1;

    private readonly IMeterKeyStore _keys;
    private readonly IKeyProvider _provider;
    private readonly MeterDirectory _directory;

    public MqttCredentialStore(IMeterKeyStore keys, IKeyProvider provider, MeterDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(directory);
        _keys = keys;
        _provider = provider;
        _directory = directory;
    }

    /// <summary>Creates and stores (wrapped) a fresh password for a meter; returns it, for the meter's installation only.</summary>
    public async Task<string> IssueAsync(MeterId meter, CancellationToken cancellationToken = default)
    {
        var password = MqttPassword.Generate();
        await ImportAsync(meter, password, cancellationToken).ConfigureAwait(false);
        return password;
    }

    /// <summary>Stores (wrapped) the password a meter was provisioned with (from a provisioning file); at least 16 characters.</summary>
    public async Task ImportAsync(MeterId meter, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MeterKeySet.MinMqttPasswordLength)
        {
            throw new ArgumentException("An MQTT password has at least 22 characters (128 bits and more when random).", nameof(password));
        }

        var secret = MqttPassword.ToBytes(password);
        try
        {
            var binding = new KeyBinding(meter, MeterKeyKind.MqttPassword, Generation);
            var stored = new StoredMeterKey(meter, MeterKeyKind.MqttPassword, Generation, _provider.Wrap(binding, secret), _provider.Fingerprint(secret));
            await _keys.SaveAsync([stored], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// The registered meter whose system title is <paramref name="userName"/> and whose stored password is
    /// <paramref name="password"/>; null when the user name is no registered meter, it has no MQTT password, or the
    /// password differs.
    /// </summary>
    public async Task<Meter?> VerifyAsync(string? userName, ReadOnlyMemory<byte> password, CancellationToken cancellationToken = default)
    {
        if (!Topics.MeterTopics.TryParseUserName(userName, out var title) || !_directory.TryGet(title, out var meter))
        {
            return null;
        }

        // Imported with the meter's keys (its generation then), or issued later (generation 1).
        StoredMeterKey? stored = null;
        foreach (var generation in meter.KeyGeneration == Generation ? [Generation] : new[] { meter.KeyGeneration, Generation })
        {
            stored = (await _keys.GetAsync(meter.Id, generation, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Kind == MeterKeyKind.MqttPassword);
            if (stored is not null)
            {
                break;
            }
        }

        if (stored is null)
        {
            return null;
        }

        var plain = _provider.Unwrap(new KeyBinding(meter.Id, MeterKeyKind.MqttPassword, stored.Generation), stored.Key);
        try
        {
            return MqttPassword.Matches(password.Span, plain) ? meter : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
