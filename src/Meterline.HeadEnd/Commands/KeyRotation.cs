using System.Security.Cryptography;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Rotates a meter's global unicast encryption key and authentication key (the master key stays):
/// <list type="number">
/// <item>opens a session with the current generation g;</item>
/// <item>makes two keys with <see cref="RandomNumberGenerator"/> and stores them, with the current master key and
/// reader password, as the next free generation (g+1 normally) — BEFORE anything is transferred — and marks the keys
/// Rotating;</item>
/// <item>transfers them (Security setup global_key_transfer, wrapped under the master key);</item>
/// <item>on success marks the keys Active at the new generation and proves it by opening a session with the new keys;
/// on a refusal marks them Active at g again; when the outcome is unknown (link lost), tries the new keys, then the
/// old ones, and leaves the keys Rotating only when neither answers.</item>
/// </list>
/// The plain keys are zeroed when done; results name generations, never keys.
/// </summary>
public sealed class KeyRotation
{
    private const int MaxGenerationProbes = 16;

    private readonly IMeterKeyring _keyring;
    private readonly IMeterKeyStore _keys;
    private readonly IMeterKeyWrapper _wrapper;
    private readonly IMeterRepository _meters;

    public KeyRotation(IMeterKeyring keyring, IMeterKeyStore keys, IMeterKeyWrapper wrapper, IMeterRepository meters)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(wrapper);
        ArgumentNullException.ThrowIfNull(meters);
        _keyring = keyring;
        _keys = keys;
        _wrapper = wrapper;
        _meters = meters;
    }

    public async Task<CommandOutcome> RunAsync(Meter meter, IMeterConnector connector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(connector);
        var current = meter.KeyGeneration;
        using var secrets = await _keyring.GetSecretsAsync(meter.Id, current, cancellationToken).ConfigureAwait(false);
        if (secrets is null)
        {
            return CommandOutcome.Failed(Result(current, null, "no keys of the current generation are stored"));
        }

        var next = await NextFreeGenerationAsync(meter.Id, current, cancellationToken).ConfigureAwait(false);
        var encryption = RandomNumberGenerator.GetBytes(MeterSecrets.AesKeyLength);
        var authentication = RandomNumberGenerator.GetBytes(MeterSecrets.AesKeyLength);
        try
        {
            var session = await connector.OpenAsync(meter, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await StoreAsync(meter.Id, next, encryption, authentication, secrets, cancellationToken).ConfigureAwait(false);
                await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Rotating, cancellationToken: cancellationToken).ConfigureAwait(false);
                try
                {
                    await session.TransferKeysAsync(encryption, authentication, cancellationToken).ConfigureAwait(false);
                }
                catch (MeterCommunicationException e) when (e.Refused)
                {
                    await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Active, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return CommandOutcome.Failed(Result(current, next, "the meter refused the key transfer: " + e.Message));
                }
                catch (MeterCommunicationException e)
                {
                    return await ResolveAsync(meter, connector, current, next, e.Message, cancellationToken).ConfigureAwait(false);
                }
            }

            await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Active, next, cancellationToken).ConfigureAwait(false);
            return await ProveAsync(meter, connector, next, cancellationToken).ConfigureAwait(false)
                ? CommandOutcome.Confirmed(Result(current, next, null))
                : CommandOutcome.Failed(Result(current, next, "the meter accepted the new keys, but no session with them could be opened"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryption);
            CryptographicOperations.ZeroMemory(authentication);
        }
    }

    private async Task<CommandOutcome> ResolveAsync(Meter meter, IMeterConnector connector, int current, int next, string failure, CancellationToken cancellationToken)
    {
        if (await ProveAsync(meter, connector, next, cancellationToken).ConfigureAwait(false))
        {
            await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Active, next, cancellationToken).ConfigureAwait(false);
            return CommandOutcome.Confirmed(Result(current, next, null, "the transfer's answer was lost (" + failure + "); the new keys work"));
        }

        if (await ProveAsync(meter, connector, current, cancellationToken).ConfigureAwait(false))
        {
            await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Active, cancellationToken: cancellationToken).ConfigureAwait(false);
            return CommandOutcome.Failed(Result(current, next, "the transfer did not take effect (" + failure + "); the old keys still work"));
        }

        return CommandOutcome.Failed(Result(current, next, "outcome unknown (" + failure + "); the meter answers neither generation and its keys stay Rotating"));
    }

    private static async Task<bool> ProveAsync(Meter meter, IMeterConnector connector, int generation, CancellationToken cancellationToken)
    {
        try
        {
            var session = await connector.OpenAsync(meter with { KeyGeneration = generation }, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await session.ReadClockAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (MeterCommunicationException)
        {
            return false;
        }
    }

    private async Task StoreAsync(MeterId meter, int generation, byte[] encryption, byte[] authentication, MeterSecrets current, CancellationToken cancellationToken)
    {
        var master = current.Master.ToArray();
        var password = current.ReaderPassword.ToArray();
        try
        {
            var stored = new List<StoredMeterKey>
            {
                await _wrapper.WrapAsync(meter, MeterKeyKind.Encryption, generation, encryption, cancellationToken).ConfigureAwait(false),
                await _wrapper.WrapAsync(meter, MeterKeyKind.Authentication, generation, authentication, cancellationToken).ConfigureAwait(false),
                await _wrapper.WrapAsync(meter, MeterKeyKind.Master, generation, master, cancellationToken).ConfigureAwait(false),
            };
            if (password.Length > 0)
            {
                stored.Add(await _wrapper.WrapAsync(meter, MeterKeyKind.ReaderPassword, generation, password, cancellationToken).ConfigureAwait(false));
            }

            await _keys.SaveAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
            CryptographicOperations.ZeroMemory(password);
        }
    }

    /// <summary>g+1, or the next generation with no stored keys when an earlier rotation left some behind.</summary>
    private async Task<int> NextFreeGenerationAsync(MeterId meter, int current, CancellationToken cancellationToken)
    {
        for (var generation = current + 1; generation <= current + MaxGenerationProbes; generation++)
        {
            if (!await _keys.HasDlmsKeysAsync(meter, generation, cancellationToken).ConfigureAwait(false))
            {
                return generation;
            }
        }

        throw new InvalidOperationException($"Meter {meter} has keys stored for the next {MaxGenerationProbes} generations; clean up abandoned rotations first.");
    }

    private static string Result(int from, int? to, string? error, string? note = null) => JsonText.Object(w =>
    {
        w.WriteNumber("fromGeneration", from);
        if (to is { } generation)
        {
            w.WriteNumber("toGeneration", generation);
        }

        if (note is not null)
        {
            w.WriteString("note", note);
        }

        if (error is not null)
        {
            w.WriteString("error", error);
        }
    });
}
