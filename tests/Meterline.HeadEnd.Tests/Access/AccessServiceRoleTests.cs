using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Access;

/// <summary>Changing a user's roles (the operator app's users page): stored, audited with the previous roles, checked as on creation.</summary>
public sealed class AccessServiceRoleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAuditStore _auditStore = new();
    private readonly InMemoryUserStore _users = new();

    [Fact]
    public async Task SetRoles_Operator_StoredAndAuditedWithThePreviousRoles()
    {
        var access = await AccessAsync();
        await access.CreateUserAsync("admin", "meera", "a good long password", [AccessRole.Viewer], null);

        var changed = await access.SetRolesAsync("admin", "meera", [AccessRole.Operator, AccessRole.Operator], null);

        Assert.Equal([AccessRole.Operator], changed.Roles);
        Assert.Equal([AccessRole.Operator], (await _users.FindAsync("meera"))!.Roles);
        var entry = Assert.Single(await _auditStore.GetRecentAsync("meera", 10), e => e.Action == "access.user.roles-changed");
        Assert.Equal("admin", entry.Actor);
        Assert.Contains("\"previous\":\"viewer\"", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("\"roles\":\"operator\"", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRoles_ConsumerWithoutConsumerId_RefusedAndUnchanged()
    {
        var access = await AccessAsync();
        await access.CreateUserAsync("admin", "meera", "a good long password", [AccessRole.Viewer], null);

        var refused = await Assert.ThrowsAsync<AccessException>(() => access.SetRolesAsync("admin", "meera", [AccessRole.Consumer], null));

        Assert.Equal(AccessError.Invalid, refused.Error);
        Assert.Equal([AccessRole.Viewer], (await _users.FindAsync("meera"))!.Roles);
        Assert.DoesNotContain(await _auditStore.GetRecentAsync("meera", 10), e => e.Action == "access.user.roles-changed");
    }

    [Fact]
    public async Task SetRoles_UnknownUser_NotFound()
    {
        var access = await AccessAsync();

        var refused = await Assert.ThrowsAsync<AccessException>(() => access.SetRolesAsync("admin", "nobody", [AccessRole.Viewer], null));

        Assert.Equal(AccessError.NotFound, refused.Error);
    }

    private async Task<AccessService> AccessAsync() => new(_users, new InMemoryApiTokenStore(), await AuditLog.OpenAsync(_auditStore, _time), _time);
}
