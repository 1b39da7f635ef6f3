using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Access;

namespace Meterline.Server.Tests;

/// <summary>
/// The test hosts' clients act as named actors: <see cref="Api.SendAsync"/> with an actor sends an admin API token
/// named after it (created once per host and name), so that the audit log records that name — the way a real
/// client is named since the API trusts no actor header.
/// </summary>
internal static class ActorTokens
{
    private static readonly ConditionalWeakTable<HttpClient, Host> Hosts = [];

    public static void Register(HttpClient client, AccessService access) => Hosts.AddOrUpdate(client, new Host(access));

    public static async Task<AuthenticationHeaderValue?> ForAsync(HttpClient client, string actor)
    {
        if (!Hosts.TryGetValue(client, out var host))
        {
            return null;
        }

        var token = host.Tokens.GetOrAdd(actor, name => new Lazy<Task<string>>(async () =>
            (await host.Access.CreateTokenAsync("test", name, [AccessRole.Admin], null, null)).Text));
        return new AuthenticationHeaderValue("Bearer", await token.Value);
    }

    /// <summary>The bearer header of a fresh token with the roles (named after a random suffix).</summary>
    public static async Task<AuthenticationHeaderValue> CreateAsync(AccessService access, string name, AccessRole role, string? consumerId = null) =>
        new("Bearer", (await access.CreateTokenAsync("test", name, [role], consumerId, null)).Text);

    private sealed record Host(AccessService Access)
    {
        public ConcurrentDictionary<string, Lazy<Task<string>>> Tokens { get; } = new(StringComparer.Ordinal);
    }
}
