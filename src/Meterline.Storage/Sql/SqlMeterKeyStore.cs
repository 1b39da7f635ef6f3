using System.Data.Common;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>Wrapped meter keys on either engine; (meter, kind, generation) is the primary key and the fingerprint is indexed.</summary>
internal sealed class SqlMeterKeyStore(SqlDatabase database) : IMeterKeyStore
{
    public const int FingerprintLength = 32;
    public const int MaxBlobLength = 4_096;
    public const int MaxBatch = 1_000;

    public async Task SaveAsync(IReadOnlyList<StoredMeterKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Validate(keys);
        if (keys.Count == 0)
        {
            return;
        }

        try
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO meter_keys (meter, kind, generation, provider_id, kek_id, blob, fingerprint) VALUES (@meter, @kind, @generation, @provider, @kek, @blob, @fingerprint)");
                    var meter = insert.Parameter("meter");
                    var kind = insert.Parameter("kind");
                    var generation = insert.Parameter("generation");
                    var provider = insert.Parameter("provider");
                    var kek = insert.Parameter("kek");
                    var blob = insert.Parameter("blob");
                    var fingerprint = insert.Parameter("fingerprint");
                    foreach (var key in keys)
                    {
                        meter.Value = key.Meter.Value;
                        kind.Value = (int)key.Kind;
                        generation.Value = key.Generation;
                        provider.Value = key.Key.ProviderId;
                        kek.Value = key.Key.KeyEncryptionKeyId;
                        blob.Value = key.Key.Blob.ToArray();
                        fingerprint.Value = key.Fingerprint.ToArray();
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.Unique)
        {
            throw new InvalidOperationException("A key of that meter, kind and generation is already stored.", e);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException("A key names a meter that is not registered.", e);
        }
    }

    public async Task ReplaceAsync(StoredMeterKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        Validate([key]);
        try
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using (var delete = database.Command(connection, transaction, "DELETE FROM meter_keys WHERE meter = @meter AND kind = @kind AND generation = @generation")
                        .With("meter", key.Meter.Value).With("kind", (int)key.Kind).With("generation", key.Generation))
                    {
                        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO meter_keys (meter, kind, generation, provider_id, kek_id, blob, fingerprint) VALUES (@meter, @kind, @generation, @provider, @kek, @blob, @fingerprint)")
                        .With("meter", key.Meter.Value).With("kind", (int)key.Kind).With("generation", key.Generation)
                        .With("provider", key.Key.ProviderId).With("kek", key.Key.KeyEncryptionKeyId)
                        .With("blob", key.Key.Blob.ToArray()).With("fingerprint", key.Fingerprint.ToArray());
                    return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException("A key names a meter that is not registered.", e);
        }
    }

    public Task<IReadOnlyList<StoredMeterKey>> GetAsync(MeterId meter, int generation, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<StoredMeterKey>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    "SELECT kind, provider_id, kek_id, blob, fingerprint FROM meter_keys WHERE meter = @meter AND generation = @generation ORDER BY kind")
                    .With("meter", meter.Value).With("generation", generation);
                var list = new List<StoredMeterKey>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new StoredMeterKey(
                        meter,
                        (MeterKeyKind)reader.GetInt32(0),
                        generation,
                        new WrappedKey(reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3)),
                        reader.GetFieldValue<byte[]>(4)));
                }

                return list;
            },
            cancellationToken);

    public Task<IReadOnlyList<MeterId>> FindByFingerprintAsync(ReadOnlyMemory<byte> fingerprint, MeterId? except = null, CancellationToken cancellationToken = default)
    {
        if (fingerprint.Length != FingerprintLength)
        {
            throw new ArgumentException($"A key fingerprint is {FingerprintLength} bytes.", nameof(fingerprint));
        }

        return database.ReadAsync<IReadOnlyList<MeterId>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    "SELECT DISTINCT meter FROM meter_keys WHERE fingerprint = @fingerprint AND meter <> @except ORDER BY meter")
                    .With("fingerprint", fingerprint.ToArray()).With("except", except?.Value ?? 0);
                var list = new List<MeterId>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new MeterId(reader.GetInt32(0)));
                }

                return list;
            },
            cancellationToken);
    }

    private static void Validate(IReadOnlyList<StoredMeterKey> keys)
    {
        if (keys.Count > MaxBatch)
        {
            throw new ArgumentException($"At most {MaxBatch} keys are saved at once.", nameof(keys));
        }

        foreach (var key in keys)
        {
            if (key is null || key.Key is null)
            {
                throw new ArgumentException("A key is missing.", nameof(keys));
            }

            if (!Enum.IsDefined(key.Kind) || key.Generation < 1)
            {
                throw new ArgumentException("A key's kind is one of MeterKeyKind and its generation at least 1.", nameof(keys));
            }

            if (key.Fingerprint.Length != FingerprintLength)
            {
                throw new ArgumentException($"A key fingerprint is {FingerprintLength} bytes.", nameof(keys));
            }

            if (key.Key.Blob.Length is 0 or > MaxBlobLength)
            {
                throw new ArgumentException($"A wrapped key is 1 to {MaxBlobLength} bytes.", nameof(keys));
            }

            if (string.IsNullOrEmpty(key.Key.ProviderId) || key.Key.KeyEncryptionKeyId is null || key.Key.ProviderId.Length > 64 || key.Key.KeyEncryptionKeyId.Length > 256)
            {
                throw new ArgumentException("A wrapped key names its provider (1 to 64 characters) and key-encryption key (at most 256).", nameof(keys));
            }
        }

        if (keys.GroupBy(k => (k.Meter, k.Kind, k.Generation)).Any(g => g.Count() > 1))
        {
            throw new ArgumentException("A meter's key of one kind and generation appears twice.", nameof(keys));
        }
    }
}
