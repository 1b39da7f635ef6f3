using Meterline.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Web.Tests.Units;

public sealed class PageRoleTests
{
    [Fact]
    public void Pages_EveryRoutableComponent_DeclaresARoleOrIsTheSignInOrRefusalPage()
    {
        var pages = typeof(OperatorApp).Assembly.GetTypes().Where(t => t.GetCustomAttributes(typeof(RouteAttribute), false).Length > 0).ToList();

        Assert.NotEmpty(pages);
        Assert.All(pages, page =>
        {
            var anonymous = page.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0;
            Assert.True(anonymous != (page.GetCustomAttributes(typeof(RequiresRoleAttribute), true).SingleOrDefault() is not null), page.Name);
        });
        Assert.Equal(
            [OperatorApp.NotAllowedPath, OperatorApp.SignInPath],
            pages.Where(p => p.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0)
                .Select(p => ((RouteAttribute)p.GetCustomAttributes(typeof(RouteAttribute), false)[0]).Template).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MapOperatorApp_RolePolicySet_CircuitEndpointsCarryTheViewersPolicyAndAnonymousPagesNone()
    {
        await using var app = Build(role => "policy-" + role);

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();

        var circuit = endpoints.Where(e => e.RoutePattern.RawText!.StartsWith(OperatorApp.CircuitPath, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(circuit);
        Assert.All(circuit, e => Assert.Equal("policy-" + OperatorRole.Viewer, e.Metadata.GetMetadata<AuthorizeAttribute>()!.Policy));
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).ToList();
        Assert.Contains(anonymous, e => e.RoutePattern.RawText == OperatorApp.SignInPath);
        Assert.All(anonymous, e => Assert.Null(e.Metadata.GetMetadata<AuthorizeAttribute>()));
    }

    [Fact]
    public async Task MapOperatorApp_RolePolicySet_EveryPageEndpointCarriesItsRolesPolicy()
    {
        await using var app = Build(role => "policy-" + role);

        var pages = PageEndpoints(app);

        Assert.NotEmpty(pages);
        Assert.All(pages, page =>
        {
            var role = page.Metadata.GetMetadata<RequiresRoleAttribute>()!.Role;
            Assert.Equal("policy-" + role, page.Metadata.GetMetadata<AuthorizeAttribute>()!.Policy);
        });
    }

    [Fact]
    public async Task MapOperatorApp_NoRolePolicy_PagesCarryNoAuthorization()
    {
        await using var app = Build(null);

        Assert.All(PageEndpoints(app), page => Assert.Null(page.Metadata.GetMetadata<IAuthorizeData>()));
    }

    private static WebApplication Build(Func<OperatorRole, string>? policy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOperatorApp(new OperatorAppOptions { RolePolicy = policy });
        var app = builder.Build();
        app.MapOperatorApp();
        return app;
    }

    private static List<RouteEndpoint> PageEndpoints(WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RequiresRoleAttribute>() is not null)];
}
