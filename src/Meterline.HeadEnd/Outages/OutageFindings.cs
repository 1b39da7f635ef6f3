using System.Globalization;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>The alert of an outage (sans-I/O): one finding per outage, extended with its restoration.</summary>
public static class OutageFindings
{
    /// <summary>
    /// The finding of an outage: raised on its first meter (alerts belong to a meter), rule
    /// <see cref="OutageCategories.RuleOf"/>, discriminator <see cref="Discriminator"/> (known before the outage is
    /// stored, so that the outage is stored with its alert); Critical for a transformer or feeder,
    /// Warning for one meter; confidence 0.9 when a meter sent its last gasp, 0.6 when only silence says so (a link
    /// can fail too). Evidence: each meter's loss (and restoration), the consumers affected, the duration once restored.
    /// </summary>
    public static Finding Create(Outage outage, Func<MeterId, string> serialOf)
    {
        ArgumentNullException.ThrowIfNull(outage);
        ArgumentNullException.ThrowIfNull(serialOf);
        if (outage.Meters.Count == 0)
        {
            throw new ArgumentException("An outage has at least one meter.", nameof(outage));
        }

        var severity = outage.Scope == OutageScope.Meter ? AlertSeverity.Warning : AlertSeverity.Critical;
        var lastGasp = outage.Meters.Any(m => m.Source == PowerSignalSource.LastGasp);
        var evidence = new List<EvidenceItem>(Finding.MaxEvidence)
        {
            new(outage.StartedAt, EvidenceItem.Computed, "consumers affected", outage.ConsumersAffected),
        };
        if (outage.RestoredAt is { } restored)
        {
            evidence.Add(new EvidenceItem(restored, EvidenceItem.Computed, "duration", Math.Round(outage.Duration(restored).TotalMinutes, 3), "min"));
        }

        foreach (var meter in outage.Meters)
        {
            if (evidence.Count >= Finding.MaxEvidence - 1)
            {
                break;
            }

            var serial = serialOf(meter.Meter);
            evidence.Add(meter.Source == PowerSignalSource.LastGasp
                ? new EvidenceItem(meter.LostAt, EvidenceItem.Event, "101 power failure, occurrence: " + serial)
                : new EvidenceItem(meter.LostAt, EvidenceItem.Computed, "last heard before silence: " + serial));
            if (meter.RestoredAt is { } back)
            {
                evidence.Add(new EvidenceItem(back, EvidenceItem.Event, "power restored: " + serial));
            }
        }

        var what = outage.Scope switch
        {
            OutageScope.Feeder => "Feeder " + outage.ScopeId + " outage",
            OutageScope.Transformer => "Transformer " + outage.ScopeId + " outage",
            _ => "Meter or service fault at " + outage.ScopeId,
        };
        var count = outage.ConsumersAffected.ToString(CultureInfo.InvariantCulture);
        var summary = outage.RestoredAt is { } end
            ? $"{what}: {count} consumer(s) without supply for {Math.Round(outage.Duration(end).TotalMinutes, 1).ToString(CultureInfo.InvariantCulture)} min, restored."
            : $"{what}: {count} consumer(s) without supply since {outage.StartedAt.ToString("u", CultureInfo.InvariantCulture)}.";
        return new Finding(
            outage.Meters[0].Meter,
            OutageCategories.RuleOf(outage.Scope),
            OutageCategories.Outage,
            severity,
            lastGasp ? 0.9 : 0.6,
            summary,
            outage.StartedAt,
            outage.RestoredAt ?? outage.StartedAt,
            evidence,
            Discriminator(outage));
    }

    /// <summary>What tells one outage's alert from another's: its scope, scope id and start (milliseconds since 1970).</summary>
    public static string Discriminator(Outage outage)
    {
        ArgumentNullException.ThrowIfNull(outage);
        return string.Create(CultureInfo.InvariantCulture, $"{outage.Scope.ToString().ToLowerInvariant()}:{outage.ScopeId}:{outage.StartedAt.ToUnixTimeMilliseconds()}");
    }
}
