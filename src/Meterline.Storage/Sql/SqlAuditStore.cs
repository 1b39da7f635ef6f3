using System.Data.Common;
using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Audit;

namespace Meterline.Storage.Sql;

/// <summary>
/// The audit log on either engine. The sequence is the primary key: an append whose first sequence is not the one
/// after the last stored, or that another writer took first (a unique violation), is an <see cref="AuditConflictException"/>
/// and stores nothing.
/// </summary>
internal sealed class SqlAuditStore(SqlDatabase database) : IAuditStore
{
    public const int MaxLimit = 10_000;
    public const int MaxBatch = 10_000;
    private const int ReadPage = 500;
    private const string Columns = "sequence, at, actor, action, subject, detail, previous_hash, hash";

    public Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {Columns} FROM audit ORDER BY sequence DESC LIMIT 1");
                var found = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
                return found.Count == 0 ? null : found[0];
            },
            cancellationToken);

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        Validate(records);
        try
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using (var last = database.Command(connection, transaction, "SELECT max(sequence) FROM audit"))
                    {
                        var value = await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                        var stored = value is null or DBNull ? 0L : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                        if (records[0].Sequence != stored + 1)
                        {
                            throw new AuditConflictException($"Audit sequence {records[0].Sequence} is not the next one ({stored + 1}).");
                        }
                    }

                    await using var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO audit (sequence, at, actor, action, subject, detail, previous_hash, hash) VALUES (@sequence, @at, @actor, @action, @subject, @detail, @previous_hash, @hash)");
                    var sequence = insert.Parameter("sequence");
                    var at = insert.Parameter("at");
                    var actor = insert.Parameter("actor");
                    var action = insert.Parameter("action");
                    var subject = insert.Parameter("subject");
                    var detail = insert.Parameter("detail");
                    var previous = insert.Parameter("previous_hash");
                    var hash = insert.Parameter("hash");
                    foreach (var record in records)
                    {
                        sequence.Value = record.Sequence;
                        at.Value = database.TimeOf(record.At);
                        actor.Value = record.Actor;
                        action.Value = record.Action;
                        subject.Value = record.Subject;
                        detail.Value = record.Detail;
                        previous.Value = record.PreviousHash.ToArray();
                        hash.Value = record.Hash.ToArray();
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.Unique)
        {
            throw new AuditConflictException($"Audit sequence {records[0].Sequence} was appended by another writer first.", e);
        }
    }

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = fromSequence;
        while (true)
        {
            var page = await database.ReadAsync(
                async connection =>
                {
                    await using var command = database.Command(connection, null, $"SELECT {Columns} FROM audit WHERE sequence >= @from ORDER BY sequence LIMIT @limit")
                        .With("from", next).With("limit", ReadPage);
                    return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < ReadPage)
            {
                yield break;
            }

            next = page[^1].Sequence + 1;
        }
    }

    public Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return database.ReadAsync<IReadOnlyList<AuditRecord>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    $"SELECT {Columns} FROM audit {(subject is null ? string.Empty : "WHERE subject = @subject ")}ORDER BY sequence DESC LIMIT @limit").With("limit", limit);
                if (subject is not null)
                {
                    command.With("subject", subject);
                }

                return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private static void Validate(IReadOnlyList<AuditRecord> records)
    {
        if (records.Count > MaxBatch)
        {
            throw new ArgumentException($"At most {MaxBatch} audit entries are appended at once.", nameof(records));
        }

        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException("An audit entry is missing.", nameof(records));
            if (record.Sequence < 1 || (i > 0 && record.Sequence != records[i - 1].Sequence + 1))
            {
                throw new ArgumentException("Audit entries are appended with consecutive sequences from 1.", nameof(records));
            }

            if (record.PreviousHash.Length != AuditRecord.HashLength || record.Hash.Length != AuditRecord.HashLength)
            {
                throw new ArgumentException($"Audit hashes are {AuditRecord.HashLength} bytes.", nameof(records));
            }

            if (record.Actor is null || record.Action is null || record.Subject is null || record.Detail is null)
            {
                throw new ArgumentException("An audit entry's actor, action, subject and detail are required (empty is allowed).", nameof(records));
            }
        }
    }

    private async Task<List<AuditRecord>> ReadRecordsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var list = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AuditRecord(
                reader.GetInt64(0),
                database.ReadTime(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<byte[]>(6),
                reader.GetFieldValue<byte[]>(7)));
        }

        return list;
    }
}
