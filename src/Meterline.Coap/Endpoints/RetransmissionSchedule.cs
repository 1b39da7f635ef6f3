using System.Security.Cryptography;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// The Confirmable retransmission schedule of RFC 7252 §4.2: the first timeout is random between ACK_TIMEOUT and
/// ACK_TIMEOUT × ACK_RANDOM_FACTOR, and doubles after each of at most MAX_RETRANSMIT retransmissions.
/// </summary>
public static class RetransmissionSchedule
{
    /// <summary>The initial timeout, drawn with <see cref="RandomNumberGenerator"/>.</summary>
    public static TimeSpan InitialTimeout(CoapEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fraction = RandomNumberGenerator.GetInt32(0, 1_000_000) / 1_000_000.0;
        return options.AckTimeout * (1 + ((options.AckRandomFactor - 1) * fraction));
    }

    /// <summary>The timeouts of the original transmission and each retransmission, from <paramref name="initial"/>.</summary>
    public static IEnumerable<TimeSpan> Timeouts(TimeSpan initial, int maxRetransmit)
    {
        var timeout = initial;
        for (var i = 0; i <= maxRetransmit; i++)
        {
            yield return timeout;
            timeout *= 2;
        }
    }
}
