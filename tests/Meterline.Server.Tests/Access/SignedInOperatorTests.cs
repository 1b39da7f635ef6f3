using System.Net;
using System.Security.Claims;
using Meterline.HeadEnd.Access;
using Meterline.Server.Access;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;

namespace Meterline.Server.Tests.Access;

/// <summary>The operator app's identity from the circuit's authentication state: actor, page roles, audited refusals.</summary>
public sealed class SignedInOperatorTests
{
    [Theory]
    [InlineData(AccessRole.Viewer, true, false)]
    [InlineData(AccessRole.Auditor, true, false)]
    [InlineData(AccessRole.Operator, true, true)]
    [InlineData(AccessRole.Admin, true, true)]
    [InlineData(AccessRole.Consumer, false, false)]
    public void IsInRole_AccessRole_MapsToPageRoles(AccessRole role, bool viewer, bool @operator)
    {
        var identity = Identity(Principal("asha", role), new AuditEntries());

        Assert.True(identity.IsSignedIn);
        Assert.Equal("asha", identity.Actor);
        Assert.Equal(viewer, identity.IsInRole(OperatorRole.Viewer));
        Assert.Equal(@operator, identity.IsInRole(OperatorRole.Operator));
    }

    [Fact]
    public void IsInRole_NotSignedIn_NoRoleAndAnonymousActor()
    {
        var identity = Identity(new ClaimsPrincipal(new ClaimsIdentity()), new AuditEntries());

        Assert.False(identity.IsSignedIn);
        Assert.Equal(AccessResultHandler.Anonymous, identity.Actor);
        Assert.All(Enum.GetValues<OperatorRole>(), role => Assert.False(identity.IsInRole(role)));
    }

    [Fact]
    public async Task ReportDeniedAsync_Viewer_AuditedAsForbiddenWithActorAndSource()
    {
        var audit = new AuditEntries();
        var identity = Identity(Principal("vikram", AccessRole.Viewer), audit);

        await identity.ReportDeniedAsync("command Disconnect meter MTL00000001");

        var entry = Assert.Single(audit.Entries);
        Assert.Equal("access.denied.forbidden", entry.Action);
        Assert.Equal("vikram", entry.Actor);
        Assert.Equal("command Disconnect meter MTL00000001", entry.Subject);
        Assert.Contains("192.0.2.7", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("operator-app", entry.Detail, StringComparison.Ordinal);
    }

    private static SignedInOperator Identity(ClaimsPrincipal user, AuditEntries audit)
    {
        var state = new FixedState(user);
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse("192.0.2.7") } } };
        return new SignedInOperator(state, http, new DenialAuditor(audit, TimeProvider.System, TimeSpan.FromMinutes(1)));
    }

    private static ClaimsPrincipal Principal(string name, AccessRole role) =>
        new(AccessPrincipals.Create(AccessSchemes.Cookie, name, [role], role == AccessRole.Consumer ? "C-1" : null, []));

    private sealed class FixedState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
