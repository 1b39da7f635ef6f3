using System.Text.Json;
using Meterline.HeadEnd.DemandControl;

namespace Meterline.Server.DemandControl;

/// <summary>A meter's last confirmed Limiter: when, by which command, and the settings read back (<see cref="LimiterJson"/>).</summary>
public sealed record MeterLimiterResponse(string Meter, DateTimeOffset ConfirmedAt, long Command, JsonElement Limiter)
{
    public static MeterLimiterResponse From(string serial, MeterLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        using var document = JsonDocument.Parse(LimiterJson.Serialize(limiter.Reading));
        return new MeterLimiterResponse(serial, limiter.ConfirmedAt, limiter.Command.Value, document.RootElement.Clone());
    }
}
