namespace Meterline.Server.Access;

/// <summary>The access endpoints: session, users, tokens.</summary>
public static class AccessApi
{
    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder routes) => routes.MapSession().MapUsers().MapTokens();
}
