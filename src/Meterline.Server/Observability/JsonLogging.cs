namespace Meterline.Server.Observability;

/// <summary>The node's JSON log format (<see cref="LogFormat.Json"/>), shared by <c>meterline serve</c> and the web host.</summary>
public static class JsonLogging
{
    public static ILoggingBuilder AddMeterlineJsonConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        return logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }
}
