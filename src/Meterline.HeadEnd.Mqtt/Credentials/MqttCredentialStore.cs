using System.Collections.Concurrent;
using System.Security.Cryptography;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;

namespace Meterline.HeadEnd.Mqtt.Credentials;

/// <summary>
/// Meters' MQTT passwords, kept like their DLMS keys: wrapped by the node's <see cref="IKeyProvider"/> (bound to the
/// meter and <see cref="MeterKeyKind.MqttPassword"/>) in the <see cref="IMeterKeyStore"/>, never in plain text. A
/// password is issued at provisioning (<see cref="IssueAsync"/>, or imported with the meter's keys) and handed out only
/// then (for the installation document and the simulator's provisioning file); <see cref="VerifyAsync"/> checks a
/// CONNECT's credentials with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// <para>
/// Passwords have versions of their own, stored in the key store's generation column: one imported with the meter's
/// keys sits at that key generation, one issued later at the next version above every password the meter has. Only
/// the highest version is accepted, so re-issuing a password retires the old one at once. DLMS key rotations store new
/// DLMS keys only and leave the password as it is.
/// </para>
/// </summary>
public sealed class MqttCredentialStore
{
    /// <summary>The version of a meter's first password when it has none stored with its keys.</summary>
    public const int Generation = MqttPasswordVersions.First;

    /// <summary>The audit action of a password issued or imported here (its subject the meter id, its detail the version; never the password).</summary>
    public const string IssuedAction = "meter.mqtt-password-issued";

    private readonly IMeterKeyStore _keys;
    private readonly IKeyProvider _provider;
    private readonly MeterDirectory _directory;
    private readonly IAuditLog? _audit;
    private readonly ConcurrentDictionary<MeterId, int> _versions = new();

    public MqttCredentialStore(IMeterKeyStore keys, IKeyProvider provider, MeterDirectory directory, IAuditLog? audit = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(directory);
        _keys = keys;
        _provider = provider;
        _directory = directory;
        _audit = audit;
    }

    /// <summary>
    /// Creates and stores (wrapped) a fresh password for a meter, as its newest version — the one it had is refused
    /// from then on; returns it, for the meter's installation only.
    /// </summary>
    public async Task<string> IssueAsync(MeterId meter, string actor = "system", CancellationToken cancellationToken = default)
    {
        var password = MqttPassword.Generate();
        await ImportAsync(meter, password, actor, cancellationToken).ConfigureAwait(false);
        return password;
    }

    /// <summary>Stores (wrapped) the password a meter was provisioned with (from a provisioning file) as its newest version; at least 22 characters.</summary>
    public async Task ImportAsync(MeterId meter, string password, string actor = "system", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MeterKeySet.MinMqttPasswordLength)
        {
            throw new ArgumentException("An MQTT password has at least 22 characters (128 bits and more when random).", nameof(password));
        }

        var registered = _directory.TryGet(meter, out var known) ? known.KeyGeneration : Generation;
        var version = (await CurrentAsync(meter, registered, cancellationToken).ConfigureAwait(false))?.Generation + 1 ?? Generation;
        var secret = MqttPassword.ToBytes(password);
        try
        {
            var binding = new KeyBinding(meter, MeterKeyKind.MqttPassword, version);
            var stored = new StoredMeterKey(meter, MeterKeyKind.MqttPassword, version, _provider.Wrap(binding, secret), _provider.Fingerprint(secret));
            await _keys.SaveAsync([stored], cancellationToken).ConfigureAwait(false);
            _versions[meter] = version;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        if (_audit is not null)
        {
            await _audit.AppendAsync(actor, IssuedAction, meter.ToString(), new AuditDetail().Add("version", version).ToString(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The registered meter whose system title is <paramref name="userName"/> and whose newest stored password is
    /// <paramref name="password"/>; null when the user name is no registered meter, it has no MQTT password, or the
    /// password differs (an older version of it too).
    /// </summary>
    public async Task<Meter?> VerifyAsync(string? userName, ReadOnlyMemory<byte> password, CancellationToken cancellationToken = default)
    {
        if (!Topics.MeterTopics.TryParseUserName(userName, out var title) || !_directory.TryGet(title, out var meter))
        {
            return null;
        }

        if (await CurrentAsync(meter.Id, meter.KeyGeneration, cancellationToken).ConfigureAwait(false) is not { } stored)
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

    /// <summary>The meter's newest password (<see cref="MqttPasswordVersions"/>), from the newest version known here: a handful of key look-ups per CONNECT.</summary>
    private async Task<StoredMeterKey?> CurrentAsync(MeterId meter, int keyGeneration, CancellationToken cancellationToken)
    {
        var from = _versions.TryGetValue(meter, out var known) ? known : Generation;
        var newest = await MqttPasswordVersions.FindNewestAsync(_keys, meter, keyGeneration, from, cancellationToken).ConfigureAwait(false);
        if (newest is not null)
        {
            _versions.AddOrUpdate(meter, newest.Generation, (_, v) => Math.Max(v, newest.Generation));
        }

        return newest;
    }
}
