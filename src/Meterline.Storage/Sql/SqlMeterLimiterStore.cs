using System.Data.Common;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>The last confirmed Limiter per meter on either engine: one row per meter, replaced only by a later confirmation.</summary>
internal sealed class SqlMeterLimiterStore(SqlDatabase database) : IMeterLimiterStore
{
    public async Task SetAsync(MeterLimiter limiter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        try
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var upsert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO meter_limiters (meter, reading, confirmed_at, command) VALUES (@meter, @reading, @at, @command) " +
                        "ON CONFLICT (meter) DO UPDATE SET reading = excluded.reading, confirmed_at = excluded.confirmed_at, command = excluded.command " +
                        "WHERE meter_limiters.confirmed_at <= excluded.confirmed_at")
                        .With("meter", limiter.Meter.Value).With("reading", LimiterJson.Serialize(limiter.Reading))
                        .With("at", database.TimeOf(limiter.ConfirmedAt)).With("command", limiter.Command.Value);
                    return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {limiter.Meter} or command {limiter.Command}.", e);
        }
    }

    public Task<MeterLimiter?> GetAsync(MeterId meter, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT reading, confirmed_at, command FROM meter_limiters WHERE meter = @meter")
                    .With("meter", meter.Value);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new MeterLimiter(meter, LimiterJson.Deserialize(reader.GetString(0)), database.ReadTime(reader, 1), new CommandId(reader.GetInt64(2)))
                    : null;
            },
            cancellationToken);
}
