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

namespace Meterline.Storage;

/// <summary>
/// An open head-end database with its schema up to date, exposing every storage port. Thread-safe; dispose it once
/// when the process stops (it closes the connections).
/// </summary>
public interface IHeadEndStorage : IAsyncDisposable
{
    StorageEngine Engine { get; }

    /// <summary>The schema version after the migrations applied at open.</summary>
    int SchemaVersion { get; }

    IMeterRepository Meters { get; }

    IReadingStore Readings { get; }

    ICommandStore Commands { get; }

    IAuditStore Audit { get; }

    IMeterKeyStore Keys { get; }

    ICounterStore Counters { get; }

    /// <summary>The northbound outbox (its rows are also written by <see cref="Readings"/> and <see cref="Commands"/> inside their transactions).</summary>
    IOutboxStore Outbox { get; }

    /// <summary>Issued bills (docs/billing.md).</summary>
    IBillStore Bills { get; }
    /// <summary>Analytics alerts (docs/analytics.md).</summary>
    IAlertStore Alerts { get; }

    /// <summary>Which meter measures each transformer's total (energy balance).</summary>
    ITransformerMeterStore Transformers { get; }

    /// <summary>Group load limits and their members (docs/demand-control.md).</summary>
    IDemandLimitStore DemandLimits { get; }

    /// <summary>The last confirmed Limiter settings per meter.</summary>
    IMeterLimiterStore Limiters { get; }
    /// <summary>Prepaid accounts and their ledgers (docs/prepaid.md).</summary>
    IPrepaidStore Prepaid { get; }
    /// <summary>Outage records (docs/outages.md).</summary>
    IOutageStore Outages { get; }
    /// <summary>Users who sign in (docs/access.md).</summary>
    IUserStore Users { get; }

    /// <summary>API tokens of machine clients, hashes only (docs/access.md).</summary>
    IApiTokenStore ApiTokens { get; }

    /// <summary>A round trip to the database (a trivial query), for readiness (docs/observability.md); throws when it is unreachable.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);

    /// <summary>The session key ring shared by the nodes on this database (docs/access.md, "Sessions on several nodes").</summary>
    ISessionKeyStore SessionKeys { get; }

    /// <summary>Bulk commands waiting for a second operator's approval (docs/commands.md).</summary>
    ICommandApprovalStore Approvals { get; }
}
