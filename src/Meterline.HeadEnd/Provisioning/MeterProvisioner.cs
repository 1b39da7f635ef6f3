using System.Security.Cryptography;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// Adds meters to the registry with their keys — fresh from <see cref="RandomNumberGenerator"/> or given (import) — and
/// changes keys: rotation and compromise. Refuses keys that <see cref="KeyPolicy"/> refuses and any AES key already
/// used by another meter (found by fingerprint, without unwrapping). Every key change is audited (never a key) before
/// it is stored. Operations are serialised within this provisioner, so two imports of one key cannot both pass the
/// reuse check.
/// <para>
/// One meter is all or nothing: a refusal changes nothing. The registry and the key store are two ports without a
/// common transaction, so the meter is registered first and its keys stored after; if the process stops between the
/// two, provisioning the same meter again (same serial and system title) finds it without keys and completes it.
/// </para>
/// </summary>
public sealed class MeterProvisioner : IDisposable
{
    public const string GeneratedAction = "key.generated";
    public const string ImportedAction = "key.imported";
    public const string RefusedAction = "key.refused";
    public const string RotationStartedAction = "key.rotation-started";
    public const string RotatedAction = "key.rotated";
    public const string CompromisedAction = "key.compromised";
    public const string ExportedAction = "key.exported";
    public const string HesPublicKeyExportedAction = "key.hes-public-exported";

    public const string MqttPasswordReissuedAction = "mqtt.password.reissued";

    /// <summary>The endpoint scheme of meters reached over MQTT: they get an MQTT password at provisioning.</summary>
    public const string MqttScheme = "mqtt";

    private static readonly MeterKeyKind[] AesKinds = [MeterKeyKind.Encryption, MeterKeyKind.Authentication, MeterKeyKind.Master];

    private readonly IMeterRepository _meters;
    private readonly IMeterKeyStore _keys;
    private readonly IKeyProvider _provider;
    private readonly IAuditLog _audit;
    private readonly MeterKeyring _keyring;
    private readonly ITransformerMeterStore? _transformers;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="transformers">When given, <see cref="ImportFileAsync"/> also applies the file's topology (<see cref="ProvisioningTopology"/>): transformers' meters and changed network fields.</param>
    public MeterProvisioner(IMeterRepository meters, IMeterKeyStore keys, IKeyProvider provider, IAuditLog audit, ITransformerMeterStore? transformers = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(audit);
        _meters = meters;
        _keys = keys;
        _provider = provider;
        _audit = audit;
        _transformers = transformers;
        _keyring = new MeterKeyring(keys, provider);
    }

    /// <summary>
    /// Registers a meter with fresh keys (EK, AK, KEK of 16 bytes; a 16-character reader password), and a fresh MQTT
    /// password when it is reached over MQTT (an <c>mqtt://</c> endpoint); all stay here until the installation
    /// document is exported (<see cref="ExportInstallationAsync"/>).
    /// </summary>
    public async Task<ProvisioningResult> AddAsync(MeterRegistration registration, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        using var keys = MeterKeySet.Generate();
        if (string.Equals(registration.Endpoint?.Scheme, MqttScheme, StringComparison.Ordinal))
        {
            keys.GenerateMqttPassword();
        }

        return await ProvisionAsync(registration, keys, actor, generated: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a meter with given keys; already registered with the same system title and keys is skipped.</summary>
    public Task<ProvisioningResult> ImportAsync(MeterRegistration registration, MeterKeySet keys, string actor, CancellationToken cancellationToken = default) =>
        ProvisionAsync(registration, keys, actor, generated: false, cancellationToken);

    /// <summary>
    /// Imports the simulator's provisioning file (see <see cref="ProvisioningFileReader"/>): an invalid file is refused
    /// whole (<see cref="InvalidDataException"/>); a valid one is imported meter by meter, each added, skipped or refused.
    /// A meter that trusts a head-end key (<see cref="ProvisioningFileEntry.HesPublicKey"/>) is registered with
    /// <see cref="SecurityLevel.AuthenticatedEncryptedSigned"/>, and refused when that key is not this head-end's: it
    /// would refuse every command this head-end signs. With a transformer store (see the constructor) the file's
    /// topology is applied after the meters are imported.
    /// </summary>
    public async Task<ProvisioningImportReport> ImportFileAsync(string path, string actor, CancellationToken cancellationToken = default)
    {
        using var file = ProvisioningFileReader.Read(path);
        var results = new List<ProvisioningResult>(file.Meters.Count);
        ReadOnlyMemory<byte>? own = null;
        foreach (var entry in file.Meters)
        {
            if (!entry.HesPublicKey.IsEmpty)
            {
                own ??= _provider.Signer.PublicKey;
                if (!entry.HesPublicKey.Span.SequenceEqual(own.Value.Span))
                {
                    results.Add(await RefuseAsync(actor, entry.Registration.Serial, null,
                        new Refusal($"hesPublicKey is not this head-end's signing key (the meter trusts {HesPublicKeyFile.Fingerprint(entry.HesPublicKey.Span)})", null),
                        cancellationToken).ConfigureAwait(false));
                    continue;
                }
            }

            results.Add(await ProvisionAsync(entry.Registration, entry.Keys, actor, generated: false, cancellationToken).ConfigureAwait(false));
        }

        if (_transformers is not null)
        {
            // The network: which meter measures each transformer, and consumers, transformers, feeders and places of meters registered before.
            await new ProvisioningTopology(_meters, _transformers, _audit).ApplyAsync(file, actor, cancellationToken).ConfigureAwait(false);
        }

        return new ProvisioningImportReport(results);
    }

    /// <summary>
    /// Writes the head-end's public signing key to <paramref name="path"/> as PEM (<see cref="HesPublicKeyFile"/>), for
    /// meters' installation and for <c>meterline sim --hes-public-key</c>; the key is created by the key provider if it
    /// does not exist yet. Audited (with the key's fingerprint) before it is written. Returns the fingerprint.
    /// </summary>
    public async Task<string> ExportHesPublicKeyAsync(string path, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var publicKey = _provider.Signer.PublicKey;
        var fingerprint = HesPublicKeyFile.Fingerprint(publicKey.Span);
        await _audit.AppendAsync(actor, HesPublicKeyExportedAction, "head-end", new AuditDetail()
            .Add("fingerprint", fingerprint).Add("provider", _provider.ProviderId).Add("path", Path.GetFullPath(path)).ToString(), cancellationToken).ConfigureAwait(false);
        HesPublicKeyFile.Write(path, publicKey.Span);
        return fingerprint;
    }

    /// <summary>
    /// Writes what the meter needs at installation (see <see cref="InstallationDocument"/>) to <paramref name="path"/>,
    /// mode 0600. The keys are those of <paramref name="generation"/>, by default the pending generation of a rotation
    /// or re-keying when one is stored, else the current one. Audited before it is written.
    /// </summary>
    public async Task ExportInstallationAsync(MeterId meter, string path, string actor, int? generation = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
        var chosen = generation ?? (await _keys.HasDlmsKeysAsync(meter, registered.KeyGeneration + 1, cancellationToken).ConfigureAwait(false)
            ? registered.KeyGeneration + 1
            : registered.KeyGeneration);
        using var secrets = await _keyring.GetSecretsAsync(meter, chosen, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Meter {meter} has no keys of generation {chosen}.");
        var publicKey = _provider.Signer.PublicKey;
        var mqtt = await UnwrapMqttPasswordAsync(meter, cancellationToken).ConfigureAwait(false);
        try
        {
            await _audit.AppendAsync(actor, ExportedAction, meter.ToString(), new AuditDetail()
                .Add("serial", registered.Serial).Add("generation", chosen).Add("mqttPassword", mqtt.Length > 0 ? "included" : "none").Add("path", Path.GetFullPath(path)).ToString(), cancellationToken).ConfigureAwait(false);
            InstallationDocument.Write(path, registered, secrets, publicKey.Span, mqtt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(mqtt);
        }
    }

    /// <summary>
    /// Starts a key rotation (or the re-keying of a compromised meter): fresh EK, AK and KEK (the reader password is
    /// kept) stored as generation + 1, status <see cref="KeyStatus.Rotating"/>; the registry's generation stays until
    /// <see cref="CompleteRotationAsync"/>. When keys of generation + 1 are already stored (a rotation under way), they
    /// are kept and their generation returned, so a retried key transfer sends the same keys.
    /// </summary>
    /// <returns>The new generation.</returns>
    public async Task<int> BeginRotationAsync(MeterId meter, string actor, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
            var next = checked(registered.KeyGeneration + 1);
            if (await _keys.HasDlmsKeysAsync(meter, next, cancellationToken).ConfigureAwait(false))
            {
                if (registered.KeyStatus != KeyStatus.Rotating)
                {
                    await _meters.SetKeyStatusAsync(meter, KeyStatus.Rotating, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                return next;
            }

            using var current = await _keyring.GetSecretsAsync(meter, registered.KeyGeneration, cancellationToken).ConfigureAwait(false);
            using var keys = MeterKeySet.Generate(current is null ? default : current.ReaderPassword);
            if (await CheckAsync(keys, meter, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                await AuditRefusalAsync(actor, meter.ToString(), registered.Serial, refusal, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"Meter {meter}: the new keys were refused ({refusal.Reason}).");
            }

            await _audit.AppendAsync(actor, RotationStartedAction, meter.ToString(), new AuditDetail()
                .Add("serial", registered.Serial).Add("from", registered.KeyGeneration).Add("generation", next)
                .Add("status", registered.KeyStatus.ToString()).Add("provider", _provider.ProviderId).Add("keyEncryptionKey", _provider.KeyEncryptionKeyId)
                .ToString(), cancellationToken).ConfigureAwait(false);
            await _keys.SaveAsync(Wrap(meter, next, keys), cancellationToken).ConfigureAwait(false);
            await _meters.SetKeyStatusAsync(meter, KeyStatus.Rotating, cancellationToken: cancellationToken).ConfigureAwait(false);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The meter confirmed its new keys: status <see cref="KeyStatus.Active"/>, generation + 1 (a fresh outgoing counter).</summary>
    public async Task CompleteRotationAsync(MeterId meter, string actor, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
            if (registered.KeyStatus != KeyStatus.Rotating)
            {
                throw new InvalidOperationException($"Meter {meter} is not rotating its keys (status {registered.KeyStatus}).");
            }

            var next = registered.KeyGeneration + 1;
            if (!await _keys.HasDlmsKeysAsync(meter, next, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Meter {meter} has no keys of generation {next} stored.");
            }

            await _audit.AppendAsync(actor, RotatedAction, meter.ToString(), new AuditDetail()
                .Add("serial", registered.Serial).Add("from", registered.KeyGeneration).Add("generation", next).ToString(), cancellationToken).ConfigureAwait(false);
            await _meters.SetKeyStatusAsync(meter, KeyStatus.Active, next, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The meter reported a physical tamper and erased its keys (cover open): status <see cref="KeyStatus.Compromised"/>
    /// until it is re-keyed (<see cref="BeginRotationAsync"/>, installation on site, <see cref="CompleteRotationAsync"/>).
    /// </summary>
    /// <returns>False when the meter was already marked compromised (nothing changed).</returns>
    public async Task<bool> MarkCompromisedAsync(MeterId meter, string actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
            if (registered.KeyStatus == KeyStatus.Compromised)
            {
                return false;
            }

            await _audit.AppendAsync(actor, CompromisedAction, meter.ToString(), new AuditDetail()
                .Add("serial", registered.Serial).Add("generation", registered.KeyGeneration).Add("reason", reason).ToString(), cancellationToken).ConfigureAwait(false);
            await _meters.SetKeyStatusAsync(meter, KeyStatus.Compromised, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<ProvisioningResult> ProvisionAsync(MeterRegistration registration, MeterKeySet keys, string actor, bool generated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var serial = registration.Serial;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (KeyPolicy.Check(keys) is { } weak)
            {
                return await RefuseAsync(actor, serial, null, new Refusal(weak, null), cancellationToken).ConfigureAwait(false);
            }

            var meter = await _meters.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
            if (meter is not null)
            {
                if (meter.SystemTitle != registration.SystemTitle)
                {
                    return await RefuseAsync(actor, serial, meter.Id, new Refusal("the serial is registered with another system title", null), cancellationToken).ConfigureAwait(false);
                }

                var stored = await _keys.GetAsync(meter.Id, meter.KeyGeneration, cancellationToken).ConfigureAwait(false);
                if (stored.Count > 0)
                {
                    if (!generated && SameKeys(stored, keys))
                    {
                        return new ProvisioningResult(serial, ProvisioningOutcome.Skipped, meter.Id, $"meter {serial} is already registered with the same keys");
                    }

                    return await RefuseAsync(actor, serial, meter.Id, new Refusal("already registered with other keys", null), cancellationToken).ConfigureAwait(false);
                }
            }
            else if (await _meters.FindBySystemTitleAsync(registration.SystemTitle, cancellationToken).ConfigureAwait(false) is { } holder)
            {
                return await RefuseAsync(actor, serial, null, new Refusal($"system title {registration.SystemTitle} belongs to meter {holder.Serial}", null), cancellationToken).ConfigureAwait(false);
            }

            if (await CheckAsync(keys, meter?.Id, cancellationToken).ConfigureAwait(false) is { } reused)
            {
                return await RefuseAsync(actor, serial, meter?.Id, reused, cancellationToken).ConfigureAwait(false);
            }

            var completing = meter is not null;
            if (meter is null)
            {
                try
                {
                    meter = await _meters.AddAsync(registration, cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateMeterException)
                {
                    return await RefuseAsync(actor, serial, null, new Refusal("the serial or system title was registered meanwhile", null), cancellationToken).ConfigureAwait(false);
                }
            }

            await _audit.AppendAsync(actor, generated ? GeneratedAction : ImportedAction, meter.Id.ToString(), new AuditDetail()
                .Add("serial", serial).Add("systemTitle", registration.SystemTitle.ToString()).Add("generation", meter.KeyGeneration)
                .Add("provider", _provider.ProviderId).Add("keyEncryptionKey", _provider.KeyEncryptionKeyId).ToString(), cancellationToken).ConfigureAwait(false);
            await _keys.SaveAsync(Wrap(meter.Id, meter.KeyGeneration, keys), cancellationToken).ConfigureAwait(false);
            return new ProvisioningResult(serial, ProvisioningOutcome.Added, meter.Id, completing
                ? $"meter {serial} was registered without keys; its keys are now stored"
                : $"meter {serial} added with {(generated ? "fresh" : "the given")} keys");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Issues the meter a fresh MQTT password (from <see cref="RandomNumberGenerator"/>, wrapped like its keys) as its
    /// newest version (<see cref="MqttPasswordVersions"/>): the one it had is refused from the next login on. Audited
    /// before it is stored; handed out only in the installation document (<see cref="ExportInstallationAsync"/>).
    /// </summary>
    /// <returns>The version the password is stored under.</returns>
    public async Task<int> ReissueMqttPasswordAsync(MeterId meter, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
        var version = await MqttPasswordVersions.NextAsync(_keys, meter, registered.KeyGeneration, cancellationToken).ConfigureAwait(false);
        var secret = GC.AllocateArray<byte>(MeterKeySet.GeneratedMqttPasswordLength, pinned: true);
        try
        {
            MeterKeySet.NewMqttPassword(secret);
            var binding = new KeyBinding(meter, MeterKeyKind.MqttPassword, version);
            var stored = new StoredMeterKey(meter, MeterKeyKind.MqttPassword, version, _provider.Wrap(binding, secret), _provider.Fingerprint(secret));
            await _audit.AppendAsync(actor, MqttPasswordReissuedAction, meter.ToString(), new AuditDetail()
                .Add("serial", registered.Serial).Add("version", version).Add("provider", _provider.ProviderId).ToString(), cancellationToken).ConfigureAwait(false);
            await _keys.SaveAsync([stored], cancellationToken).ConfigureAwait(false);
            return version;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>A meter's MQTT password in plain text (the caller zeroes it), empty when it has none: its newest version, the one the broker accepts.</summary>
    public async Task<byte[]> UnwrapMqttPasswordAsync(MeterId meter, CancellationToken cancellationToken = default)
    {
        var registered = await GetMeterAsync(meter, cancellationToken).ConfigureAwait(false);
        var stored = await MqttPasswordVersions.FindNewestAsync(_keys, meter, registered.KeyGeneration, MqttPasswordVersions.First, cancellationToken).ConfigureAwait(false);
        return stored is null ? [] : _provider.Unwrap(new KeyBinding(meter, MeterKeyKind.MqttPassword, stored.Generation), stored.Key);
    }

    /// <summary>Refuses an AES key any other meter holds, in any generation; the refusal names the field, the audit also the other meter.</summary>
    private async Task<Refusal?> CheckAsync(MeterKeySet keys, MeterId? self, CancellationToken cancellationToken)
    {
        foreach (var kind in AesKinds)
        {
            var fingerprint = _provider.Fingerprint(keys.Get(kind));
            var holders = await _keys.FindByFingerprintAsync(fingerprint, self, cancellationToken).ConfigureAwait(false);
            if (holders.Count > 0)
            {
                return new Refusal($"{MeterKeySet.FieldName(kind)} is already used by another meter", holders[0]);
            }
        }

        return null;
    }

    private bool SameKeys(IReadOnlyList<StoredMeterKey> stored, MeterKeySet keys)
    {
        foreach (var kind in MeterKeySet.Kinds)
        {
            var match = stored.FirstOrDefault(k => k.Kind == kind);
            if (match is null || !CryptographicOperations.FixedTimeEquals(match.Fingerprint.Span, _provider.Fingerprint(keys.Get(kind))))
            {
                return false;
            }
        }

        // The MQTT password, when the meter has one, is part of the same import.
        var mqtt = stored.FirstOrDefault(k => k.Kind == MeterKeyKind.MqttPassword);
        if (keys.MqttPassword.IsEmpty
            ? mqtt is not null
            : mqtt is null || !CryptographicOperations.FixedTimeEquals(mqtt.Fingerprint.Span, _provider.Fingerprint(keys.MqttPassword)))
        {
            return false;
        }

        return stored.Count == MeterKeySet.Kinds.Count + (mqtt is null ? 0 : 1);
    }

    private List<StoredMeterKey> Wrap(MeterId meter, int generation, MeterKeySet keys)
    {
        var list = new List<StoredMeterKey>(MeterKeySet.Kinds.Count);
        foreach (var kind in MeterKeySet.Kinds)
        {
            var secret = keys.Get(kind);
            list.Add(new StoredMeterKey(meter, kind, generation, _provider.Wrap(new KeyBinding(meter, kind, generation), secret), _provider.Fingerprint(secret)));
        }

        if (!keys.MqttPassword.IsEmpty)
        {
            // The meter's MQTT password travels with its keys (read by the MQTT transport, skipped by the keyring).
            var secret = keys.MqttPassword;
            list.Add(new StoredMeterKey(meter, MeterKeyKind.MqttPassword, generation,
                _provider.Wrap(new KeyBinding(meter, MeterKeyKind.MqttPassword, generation), secret), _provider.Fingerprint(secret)));
        }

        return list;
    }

    private async Task<ProvisioningResult> RefuseAsync(string actor, string serial, MeterId? meter, Refusal refusal, CancellationToken cancellationToken)
    {
        await AuditRefusalAsync(actor, meter?.ToString() ?? serial, serial, refusal, cancellationToken).ConfigureAwait(false);
        return new ProvisioningResult(serial, ProvisioningOutcome.Refused, meter, $"meter {serial}: {refusal.Reason}");
    }

    private async Task AuditRefusalAsync(string actor, string subject, string serial, Refusal refusal, CancellationToken cancellationToken)
    {
        var detail = new AuditDetail().Add("serial", serial).Add("reason", refusal.Reason);
        if (refusal.OtherMeter is { } other)
        {
            detail.Add("otherMeter", other.Value);
        }

        await _audit.AppendAsync(actor, RefusedAction, subject, detail.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Meter> GetMeterAsync(MeterId meter, CancellationToken cancellationToken) =>
        await _meters.GetAsync(meter, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No meter {meter} is registered.");

    /// <summary>Why keys were refused; <see cref="OtherMeter"/> (a meter holding the same key) goes to the audit only.</summary>
    private sealed record Refusal(string Reason, MeterId? OtherMeter);
}
