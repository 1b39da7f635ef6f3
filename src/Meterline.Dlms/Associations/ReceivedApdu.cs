using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>An APDU with its protection removed, and the protection it actually arrived with.</summary>
public sealed record ReceivedApdu(Apdu Apdu, MessageProtection Protection);
