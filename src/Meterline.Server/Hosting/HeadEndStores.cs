using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Hosting;

/// <summary>The six storage ports the head-end runs on, from one engine (SQLite or PostgreSQL).</summary>
public sealed record HeadEndStores(
    IMeterRepository Meters,
    IReadingStore Readings,
    ICommandStore Commands,
    IAuditStore Audit,
    IMeterKeyStore Keys,
    ICounterStore Counters);
