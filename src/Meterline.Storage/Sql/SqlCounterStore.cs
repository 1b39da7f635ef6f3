using System.Data.Common;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>
/// Outgoing invocation counter reservations on either engine: one upsert that raises the high-water mark and returns
/// it, refused by its own WHERE when the block would pass <see cref="uint.MaxValue"/>. The engine's row lock (or
/// SQLite's single writer) makes two reservations of the same pair serial, so blocks never overlap.
/// </summary>
internal sealed class SqlCounterStore(SqlDatabase database) : ICounterStore
{
    public async Task<uint> ReserveAsync(MeterId meter, int generation, uint blockSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(generation);
        if (1UL + blockSize > uint.MaxValue)
        {
            throw new InvalidOperationException($"A block of {blockSize} would pass the largest invocation counter.");
        }

        long next;
        try
        {
            next = await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var command = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO outgoing_counters (meter, generation, next_value) VALUES (@meter, @generation, @first_next) " +
                        "ON CONFLICT (meter, generation) DO UPDATE SET next_value = outgoing_counters.next_value + @block " +
                        "WHERE outgoing_counters.next_value + @block <= @max RETURNING next_value")
                        .With("meter", meter.Value).With("generation", generation).With("first_next", 1L + blockSize)
                        .With("block", (long)blockSize).With("max", (long)uint.MaxValue);
                    var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    return value is null or DBNull ? -1L : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {meter}.", e);
        }

        if (next < 0)
        {
            throw new InvalidOperationException($"The invocation counter of meter {meter}, generation {generation}, is exhausted.");
        }

        return (uint)(next - blockSize);
    }

    public Task<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>> GetHighWaterMarksAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyDictionary<(MeterId Meter, int Generation), uint>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT meter, generation, next_value FROM outgoing_counters");
                var marks = new Dictionary<(MeterId Meter, int Generation), uint>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    marks[(new MeterId(reader.GetInt32(0)), reader.GetInt32(1))] = (uint)reader.GetInt64(2);
                }

                return marks;
            },
            cancellationToken);
}
