using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Meterline.HeadEnd.Access;
using Meterline.Server.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Server.Tests.Access;

/// <summary>
/// Every endpoint the node maps, asked by every role and by no one over real HTTP: each is anonymous only if it is
/// sign-in or OpenAPI, names a known policy or falls to the fallback policy, and answers each role exactly as the
/// table in docs/access.md says (401 without credentials, 403 for a role the table refuses, anything else when allowed).
/// </summary>
public sealed partial class EndpointAccessTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly string[] AnonymousEndpoints =
    [
        "SignIn", "GET /openapi/{documentName}.json",

        // The operator app's sign-in form and page, the page that tells a consumer the app is not for them, and the
        // stylesheet and framework script those pages load (docs/web.md).
        "SignInForm", "GET /sign-in", "POST /sign-in", "GET /not-allowed", "POST /not-allowed",
        "GET /operator-app/operator.css", "GET /operator-app/reconnect.js", "GET /_framework/blazor.web.js", "GET /favicon.ico",

        // Liveness and readiness for a supervisor or load balancer: status only (docs/observability.md).
        "Live", "Ready",
    ];

    private static readonly AccessRole[] Staff = [AccessRole.Viewer, AccessRole.Operator, AccessRole.Admin, AccessRole.Auditor];

    [Fact]
    public void MappedEndpoints_EachHasAPolicyOrTheFallback_AnonymousOnlySignInAndOpenApi()
    {
        var endpoints = Endpoints();

        Assert.True(endpoints.Count > 30, $"{endpoints.Count} endpoints");
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Anonymous)
            {
                Assert.Contains(endpoint.Name, AnonymousEndpoints);
            }
            else
            {
                Assert.True(endpoint.Policy is null or AccessPolicies.Admin or AccessPolicies.Audit or AccessPolicies.MeterReader or AccessPolicies.SignedIn
                    or AccessPolicies.Staff or AccessPolicies.Operator or AccessPolicies.Consumer, $"{endpoint.Name}: policy {endpoint.Policy}");
            }
        }
    }

    [Fact]
    public async Task EveryEndpoint_NoCredentials_401Unauthenticated()
    {
        using var client = new HttpClient { BaseAddress = fixture.Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var endpoint in Endpoints().Where(e => !e.Anonymous))
        {
            using var response = await SendAsync(client, endpoint, null);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{endpoint.Name}: {(int)response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task EveryEndpoint_EachRole_AllowedOrForbiddenAsTheTableSays()
    {
        var tokens = new Dictionary<AccessRole, AuthenticationHeaderValue>();
        foreach (var role in Enum.GetValues<AccessRole>())
        {
            tokens[role] = await ActorTokens.CreateAsync(fixture.Node.Node.Access, "table-" + role.Name(), role, role == AccessRole.Consumer ? "C-TABLE" : null);
        }

        using var client = new HttpClient { BaseAddress = fixture.Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        var checkedPairs = 0;
        foreach (var endpoint in Endpoints().Where(e => !e.Anonymous))
        {
            foreach (var role in Enum.GetValues<AccessRole>())
            {
                using var response = await SendAsync(client, endpoint, tokens[role]);
                var status = (int)response.StatusCode;
                if (Allowed(endpoint, role))
                {
                    Assert.True(status is not (401 or 403), $"{endpoint.Name} as {role.Name()}: {status} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    Assert.True(status == 403, $"{endpoint.Name} as {role.Name()}: {status}, expected 403");
                    await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
                }

                checkedPairs++;
            }
        }

        Assert.True(checkedPairs > 150, $"{checkedPairs} pairs");
    }

    /// <summary>The table of docs/access.md.</summary>
    private static bool Allowed(MappedEndpoint endpoint, AccessRole role)
    {
        var safe = endpoint.Method is "GET" or "HEAD";
        return endpoint.Policy switch
        {
            AccessPolicies.Admin => role == AccessRole.Admin,
            AccessPolicies.Audit => role is AccessRole.Auditor or AccessRole.Admin,
            AccessPolicies.SignedIn => true,
            AccessPolicies.Staff => Staff.Contains(role),
            AccessPolicies.Operator => role is AccessRole.Operator or AccessRole.Admin,
            AccessPolicies.Consumer => role == AccessRole.Consumer,
            AccessPolicies.MeterReader => safe ? true : role is AccessRole.Operator or AccessRole.Admin,
            _ => safe ? Staff.Contains(role) : role is AccessRole.Operator or AccessRole.Admin,
        };
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, MappedEndpoint endpoint, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(endpoint.Path, UriKind.Relative));
        request.Headers.Authorization = authorization;
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private List<MappedEndpoint> Endpoints()
    {
        var sources = fixture.Node.Services.GetServices<EndpointDataSource>();
        var list = new List<MappedEndpoint>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods)
            {
                var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
                var path = RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
                {
                    "documentName" => "v1",
                    var name when m.Value.Contains(":long", StringComparison.Ordinal) || name == "id" && !pattern.Contains("transformers", StringComparison.Ordinal) => "999999",
                    _ => "NOSUCH",
                });
                var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{method} {pattern}";
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
                list.Add(new MappedEndpoint(name, method, path.StartsWith('/') ? path : "/" + path, anonymous, policy));
            }
        }

        return list;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(:[a-z]+)?\}")]
    private static partial Regex RouteParameter();

    private sealed record MappedEndpoint(string Name, string Method, string Path, bool Anonymous, string? Policy);
}
