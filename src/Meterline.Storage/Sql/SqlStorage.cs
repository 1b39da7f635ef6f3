using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Outages;
using Meterline.HeadEnd.Readings;

namespace Meterline.Storage.Sql;

/// <summary>The storage ports over one open database.</summary>
internal sealed class SqlStorage : IHeadEndStorage
{
    private readonly SqlDatabase _database;

    public SqlStorage(SqlDatabase database, SqlReadingStore readings, int schemaVersion)
    {
        _database = database;
        SchemaVersion = schemaVersion;
        Meters = new SqlMeterRepository(database);
        Readings = readings;
        Commands = new SqlCommandStore(database);
        Audit = new SqlAuditStore(database);
        Keys = new SqlMeterKeyStore(database);
        Counters = new SqlCounterStore(database);
        Outbox = new SqlOutboxStore(database);
        Bills = new SqlBillStore(database);
        var alerts = new SqlAlertStore(database);
        Alerts = alerts;
        Transformers = alerts;
        DemandLimits = new SqlDemandLimitStore(database);
        Limiters = new SqlMeterLimiterStore(database);
        Prepaid = new SqlPrepaidStore(database);
        Outages = new SqlOutageStore(database);
        var access = new SqlAccessStore(database);
        Users = access;
        ApiTokens = access;
        Approvals = new SqlCommandApprovalStore(database);
        SessionKeys = new SqlSessionKeyStore(database);
    }

    public StorageEngine Engine => _database.Engine;

    /// <summary>The database underneath (for the engine tests).</summary>
    internal SqlDatabase Database => _database;

    public int SchemaVersion { get; }

    public IMeterRepository Meters { get; }

    public IReadingStore Readings { get; }

    public ICommandStore Commands { get; }

    public IAuditStore Audit { get; }

    public IMeterKeyStore Keys { get; }

    public ICounterStore Counters { get; }

    public IOutboxStore Outbox { get; }

    public IBillStore Bills { get; }
    public IAlertStore Alerts { get; }

    public ITransformerMeterStore Transformers { get; }

    public IDemandLimitStore DemandLimits { get; }

    public IMeterLimiterStore Limiters { get; }
    public IPrepaidStore Prepaid { get; }
    public IOutageStore Outages { get; }
    public IUserStore Users { get; }

    public IApiTokenStore ApiTokens { get; }

    public Task PingAsync(CancellationToken cancellationToken = default) => _database.ReadAsync(async connection =>
    {
        await using var command = _database.Command(connection, null, "SELECT 1");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public ICommandApprovalStore Approvals { get; }

    public ISessionKeyStore SessionKeys { get; }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
