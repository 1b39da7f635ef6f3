namespace Meterline.HeadEnd.Northbound;

/// <summary>The message types on the northbound exchange (the first word of every routing key).</summary>
public static class NorthboundMessageType
{
    public const string Reading = "reading";
    public const string Billing = "billing";
    public const string Alert = "alert";
    public const string Outage = "outage";
    public const string Command = "command";
}
