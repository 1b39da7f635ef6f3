using System.Net;

namespace Meterline.Server.Access;

/// <summary>Where a request came from, as audited and rate-limited: the remote address (no proxy headers are trusted).</summary>
public static class RequestSource
{
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : "unknown";
    }

    public static bool IsLoopback(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
    }

    /// <summary>Method and path for an audit subject, at most 256 characters.</summary>
    public static string Subject(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subject = context.Request.Method + " " + context.Request.Path.Value;
        return subject.Length <= 256 ? subject : subject[..256];
    }
}
