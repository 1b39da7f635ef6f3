namespace Meterline.Gateway.Mqtt;

/// <summary>A push kept in a <see cref="PushSpool"/>: its place in the spool, the meter's system title and the wrapper frame as the meter sent it.</summary>
public sealed record SpooledPush(long Sequence, string SystemTitle, byte[] Frame);
