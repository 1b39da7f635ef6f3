using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>The protection a granted access demands of its request and of its response.</summary>
internal readonly record struct ServerGrant(MessageProtection Request, MessageProtection Response);
