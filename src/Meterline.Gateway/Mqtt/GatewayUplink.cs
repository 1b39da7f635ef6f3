namespace Meterline.Gateway.Mqtt;

/// <summary>
/// A frame a meter sent, for its up topic: the meter's system title, the IEC 62056-47 wrapper frame as the meter sent
/// it, and whether it is a push (kept in the spool until published) or a session answer (published once, not kept).
/// </summary>
public sealed record GatewayUplink(string SystemTitle, byte[] Frame, bool IsPush);
