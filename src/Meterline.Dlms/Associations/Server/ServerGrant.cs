using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>The protection a granted access demands of its request and of its response.</summary>
internal readonly record struct ServerGrant(MessageProtection Request, MessageProtection Response)
{
    /// <summary>What two grants demand together, for a request that reaches several attributes or methods.</summary>
    public ServerGrant Union(ServerGrant other) =>
        new(ServerAccessCheck.Union(Request, other.Request), ServerAccessCheck.Union(Response, other.Response));
}
