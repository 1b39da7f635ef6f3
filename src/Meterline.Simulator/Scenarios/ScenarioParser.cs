using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Meterline.Simulator.Scenarios;

/// <summary>
/// Parses <c>--scenario</c> values: <c>KIND(:KEY=VALUE)*</c>, for example
/// <c>magnet:meter=3:at=2026-01-02T10:00Z:for=2h</c> or <c>outage:meters=0-99:at=2026-01-02T10:00Z:for=30m</c>.
/// Kinds: magnet, neutral, reverse, outage, silent, sag, cover-open, drift, bypass, frequency. Keys: <c>meter=N</c> (fleet index from 0, or a
/// serial such as MTL00000004) or <c>meters=FIRST-LAST</c> (exactly one of them); <c>at=</c> an ISO 8601 instant
/// (simulated; UTC when no offset is given; default the simulation start; <c>from=</c> is the same key by another name); <c>for=</c> a duration such as 90s, 30m,
/// 2h, 1d or 1h30m (default: to the end); <c>factor=</c> (sag and bypass, required, 0 &lt; F &lt; 1: the voltage factor, or the share of the load tapped ahead of the meter); <c>ppm=</c> (drift
/// only, required, non-zero, -1000 to 1000); <c>hz=</c> (frequency only, required, 40 &lt; HZ &lt; 70: the supply frequency). Colons inside a value (the time of <c>at=</c>) need no escaping: a new
/// key starts only at a colon followed by <c>name=</c>.
/// </summary>
public static partial class ScenarioParser
{
    /// <summary>The longest scenario text accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>The longest scenario accepted: ten years.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3650);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Scenario? scenario, [NotNullWhen(false)] out string? error)
    {
        scenario = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            error = $"a scenario is 1 to {MaxLength} characters";
            return false;
        }

        var parts = Split(text);
        var kind = parts[0] switch
        {
            "magnet" => ScenarioKind.Magnet,
            "neutral" => ScenarioKind.Neutral,
            "reverse" => ScenarioKind.Reverse,
            "outage" => ScenarioKind.Outage,
            "silent" => ScenarioKind.Silent,
            "sag" => ScenarioKind.Sag,
            "bypass" => ScenarioKind.Bypass,
            "cover-open" => ScenarioKind.CoverOpen,
            "drift" => ScenarioKind.Drift,
            "frequency" => ScenarioKind.Frequency,
            _ => (ScenarioKind?)null,
        };
        if (kind is null)
        {
            error = $"'{parts[0]}' is not a scenario kind (magnet, neutral, reverse, outage, silent, sag, cover-open, drift, bypass, frequency)";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"'{part}' is not KEY=VALUE";
                return false;
            }

            var key = part[..equals] is "from" ? "at" : part[..equals];
            if (key is not ("meter" or "meters" or "at" or "for" or "factor" or "ppm" or "hz"))
            {
                error = $"'{key}' is not a scenario key (meter, meters, at or from, for, factor, ppm, hz)";
                return false;
            }

            if (!values.TryAdd(key, part[(equals + 1)..]))
            {
                error = key == "at" ? "'at' (or 'from') is given twice" : $"'{key}' is given twice";
                return false;
            }
        }

        var meterError = ParseMeters(values, out var meters);
        var atError = ParseAt(values, out var at);
        var forError = ParseFor(values, out var duration);
        var factorError = ParseNumber(values, "factor", kind is ScenarioKind.Sag or ScenarioKind.Bypass, 0, 1, exclusiveLimits: true, out var factor);
        var ppmError = ParseNumber(values, "ppm", kind == ScenarioKind.Drift, -1000, 1000, exclusiveLimits: false, out var ppm);
        var hertzError = ParseNumber(values, "hz", kind == ScenarioKind.Frequency, 40, 70, exclusiveLimits: true, out var hertz);
        error = meterError ?? atError ?? forError ?? factorError ?? ppmError ?? hertzError;
        if (error is null && ppm == 0)
        {
            error = "ppm must not be 0";
        }

        if (error is not null)
        {
            return false;
        }

        scenario = new Scenario(kind.Value, meters, at, duration, factor, ppm, hertz);
        return true;
    }

    /// <summary>Checks that a scenario's meters exist in a fleet of <paramref name="meterCount"/>.</summary>
    public static string? CheckFleet(Scenario scenario, int meterCount)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Meters.Last < meterCount
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"meter {scenario.Meters.Last} is not in the fleet (meters 0 to {meterCount - 1})");
    }

    private static List<string> Split(string text)
    {
        var parts = new List<string>();
        foreach (var piece in text.Split(':'))
        {
            if (parts.Count <= 1 || KeyStart().IsMatch(piece))
            {
                parts.Add(piece);
            }
            else
            {
                parts[^1] += ":" + piece;
            }
        }

        return parts;
    }

    private static string? ParseMeters(Dictionary<string, string> values, out MeterRange range)
    {
        range = default;
        var single = values.TryGetValue("meter", out var meter);
        var many = values.TryGetValue("meters", out var meters);
        if (single == many)
        {
            return "give exactly one of meter= and meters=";
        }

        if (single)
        {
            if (!TryIndex(meter!, out var index))
            {
                return $"meter '{meter}' is not a fleet index (0, 1, …) or a serial (MTL00000001, …)";
            }

            range = new MeterRange(index, index);
            return null;
        }

        var dash = meters!.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !TryIndex(meters[..dash], out var first) || !TryIndex(meters[(dash + 1)..], out var last) || last < first)
        {
            return $"meters '{meters}' is not FIRST-LAST with FIRST <= LAST";
        }

        range = new MeterRange(first, last);
        return null;
    }

    private static bool TryIndex(string text, out int index)
    {
        if (text.StartsWith(Provisioning.FleetAddressing.Manufacturer, StringComparison.Ordinal) && text.Length == 11
            && int.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial >= 1)
        {
            index = serial - 1;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < Provisioning.FleetLayout.MaxMeters;
    }

    private static string? ParseAt(Dictionary<string, string> values, out DateTimeOffset? at)
    {
        at = null;
        if (!values.TryGetValue("at", out var text))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            || !text.Contains('T', StringComparison.Ordinal))
        {
            return $"at '{text}' is not an ISO 8601 instant such as 2026-01-02T10:00Z";
        }

        at = instant;
        return null;
    }

    private static string? ParseFor(Dictionary<string, string> values, out TimeSpan? duration)
    {
        duration = null;
        if (!values.TryGetValue("for", out var text))
        {
            return null;
        }

        if (!TryParseDuration(text, out var span, out var error))
        {
            return "for " + error;
        }

        duration = span;
        return null;
    }

    /// <summary>Parses a duration such as 90s, 30m, 2h, 1d or 1h30m: more than 0, at most <see cref="MaxDuration"/>.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        var match = text is null ? null : Duration().Match(text);
        if (match is null || !match.Success || text!.Length == 0)
        {
            error = $"'{text}' is not a duration such as 90s, 30m, 2h, 1d or 1h30m";
            return false;
        }

        TimeSpan total;
        try
        {
            total = TimeSpan.FromDays(Group(match, "d")) + TimeSpan.FromHours(Group(match, "h")) + TimeSpan.FromMinutes(Group(match, "m")) + TimeSpan.FromSeconds(Group(match, "s"));
        }
        catch (OverflowException)
        {
            total = TimeSpan.MaxValue;
        }

        if (total <= TimeSpan.Zero || total > MaxDuration)
        {
            error = $"'{text}' must be more than 0 and at most 3650 days";
            return false;
        }

        duration = total;
        error = null;
        return true;
    }

    private static long Group(Match match, string name) =>
        match.Groups[name].Success ? long.Parse(match.Groups[name].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static string? ParseNumber(Dictionary<string, string> values, string key, bool applies, double min, double max, bool exclusiveLimits, out double? number)
    {
        number = null;
        var present = values.TryGetValue(key, out var text);
        if (!applies)
        {
            return present ? $"{key}= does not apply to this kind" : null;
        }

        if (!present)
        {
            return $"this kind needs {key}=";
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
            || (exclusiveLimits ? value <= min || value >= max : value < min || value > max))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{key} '{text}' must be a number {(exclusiveLimits ? "strictly " : string.Empty)}between {min} and {max}");
        }

        number = value;
        return null;
    }

    [GeneratedRegex("^[a-z]+=")]
    private static partial Regex KeyStart();

    [GeneratedRegex("^(?:(?<d>[0-9]{1,5})d)?(?:(?<h>[0-9]{1,6})h)?(?:(?<m>[0-9]{1,7})m)?(?:(?<s>[0-9]{1,9})s)?$")]
    private static partial Regex Duration();
}
