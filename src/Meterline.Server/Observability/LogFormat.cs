namespace Meterline.Server.Observability;

/// <summary>How the node writes its log to standard output.</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines.</summary>
    Text,

    /// <summary>One JSON object per line: timestamp (UTC, ISO 8601), level, category, message, and the message's named values (<c>CommandId</c>, <c>MeterId</c>, …) and scopes as fields.</summary>
    Json,
}
