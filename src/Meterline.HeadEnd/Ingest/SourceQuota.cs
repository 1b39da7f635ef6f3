using System.Net;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A declared data concentrator or gateway and its per-source quota: every sending address in <see cref="Network"/>
/// (or, for a source that is no IP address such as a Zigbee gateway's id, the source text <see cref="Source"/>) gets
/// its own bucket of <see cref="Quota"/> instead of <see cref="IngressGuardOptions.PerSource"/> (see docs/ingest.md,
/// "Concentrator quotas").
/// </summary>
public sealed record SourceQuota
{
    /// <summary>The quota of a declared concentrator when none is given: 20,000 pushes a second, a burst of 100,000.</summary>
    public static TokenBucketSettings DefaultConcentratorQuota { get; } = new(20_000, 100_000);

    /// <summary>The addresses this quota applies to; null when <see cref="Source"/> names the source instead.</summary>
    public IPNetwork? Network { get; init; }

    /// <summary>A source named exactly (compared ordinally); null when <see cref="Network"/> is given.</summary>
    public string? Source { get; init; }

    public TokenBucketSettings Quota { get; init; } = DefaultConcentratorQuota;

    /// <summary>Whether this quota applies to <paramref name="source"/> (parsed as <paramref name="address"/> when it is an IP address).</summary>
    public bool Matches(string source, IPAddress? address) =>
        Network is { } network ? address is not null && network.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) : string.Equals(Source, source, StringComparison.Ordinal);

    /// <summary>
    /// Parses <c>10.20.0.0/16</c>, <c>192.0.2.7</c>, <c>gateway-7</c>, each optionally followed by <c>=RATE</c> or
    /// <c>=RATE/BURST</c> (pushes a second, bucket size; the burst defaults to five seconds of the rate).
    /// </summary>
    /// <exception cref="FormatException">The text is not in that form, or the numbers are out of range.</exception>
    public static SourceQuota Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var who = (equals < 0 ? text : text[..equals]).Trim();
        if (who.Length == 0)
        {
            throw new FormatException("A concentrator is an address, a network (address/prefix) or a source name.");
        }

        var quota = DefaultConcentratorQuota;
        if (equals >= 0)
        {
            var numbers = text[(equals + 1)..].Split('/');
            if (numbers.Length > 2
                || !double.TryParse(numbers[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate)
                || !double.IsFinite(rate) || rate <= 0)
            {
                throw new FormatException($"'{text}': the quota is RATE or RATE/BURST, a positive number of pushes a second.");
            }

            var burst = (int)Math.Min(int.MaxValue, Math.Max(1, Math.Ceiling(rate * 5)));
            if (numbers.Length == 2 && (!int.TryParse(numbers[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out burst) || burst < 1))
            {
                throw new FormatException($"'{text}': the burst is a whole number of pushes, at least 1.");
            }

            quota = new TokenBucketSettings(rate, burst);
        }

        if (IPNetwork.TryParse(who, out var network))
        {
            return new SourceQuota { Network = network, Quota = quota };
        }

        if (IPAddress.TryParse(who, out var address))
        {
            return new SourceQuota { Network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), Quota = quota };
        }

        return new SourceQuota { Source = who, Quota = quota };
    }

    public void Validate()
    {
        if ((Network is null) == (Source is null))
        {
            throw new ArgumentException("A source quota names either a network or a source.");
        }

        Quota.Validate();
    }
}
