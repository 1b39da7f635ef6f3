using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Push;

/// <summary>One attempt to deliver a push: the protected DataNotification APDU, and who sent it.</summary>
public sealed record PushMessage(string MeterId, SystemTitle SystemTitle, ObisCode PushSetup, long Sequence, ReadOnlyMemory<byte> Apdu, bool IsAlert);
