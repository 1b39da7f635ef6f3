namespace Meterline.Web.Portal;

/// <summary>Where the consumer portal's pages are.</summary>
public static class ConsumerPortalPaths
{
    /// <summary>The portal's home: the consumer's meters, cost so far, prepaid balance and top-up. Consumers land here after signing in.</summary>
    public const string Home = "/my";

    /// <summary>One of the consumer's meters: usage charts, cost so far, bills.</summary>
    public static string Meter(string serial) => "/my/meters/" + Uri.EscapeDataString(serial);

    /// <summary>One of the consumer's bills as a printable page (served by the head-end's portal API).</summary>
    public static string Bill(string number) => "/my/bills/" + Uri.EscapeDataString(number);
}
