using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Links;

/// <summary>A DataNotification whose protection has been verified, with its sender and how it arrived.</summary>
public sealed record PushNotification(
    SystemTitle Sender,
    DataNotification Notification,
    MessageProtection Protection,
    uint InvocationCounter,
    DateTimeOffset ReceivedAt,
    string LinkId);
