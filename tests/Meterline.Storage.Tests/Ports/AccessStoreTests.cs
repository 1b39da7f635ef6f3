using Meterline.HeadEnd.Access;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Users and API tokens: stored and read back equal, names unique, revocation once, last use recorded. Run against each engine.</summary>
public abstract class AccessStoreTests : StorageTestBase
{
    private static UserAccount User(string name) =>
        new(0, name, "pbkdf2-sha256$600000$c2FsdA==$a2V5", [AccessRole.Operator, AccessRole.Viewer], null, false, T0, 0, null, T0);

    private static ApiToken NewToken(string prefix, string name) =>
        new(prefix, [.. Enumerable.Range(0, 32).Select(i => (byte)i)], name, [AccessRole.Consumer], "admin", "C-000001", T0, T0.AddDays(30), null, null);

    [Fact]
    public async Task Users_AddFindUpdateList_RoundTrip()
    {
        var added = (await Storage.Users.AddAsync(User("asha"), Token))!;
        Assert.True(added.Id > 0);
        Assert.Null(await Storage.Users.AddAsync(User("asha"), Token));
        await Storage.Users.AddAsync(User("ravi"), Token);

        var found = (await Storage.Users.FindAsync("asha", Token))!;
        Assert.Equal(added with { Roles = found.Roles }, found);
        Assert.Equal([AccessRole.Viewer, AccessRole.Operator], found.Roles);

        var locked = found with { FailedLogins = 2, LockedUntil = T0.AddMinutes(15), Disabled = true, PasswordHash = "pbkdf2-sha256$600000$eA==$eQ==", PasswordChangedAt = T0.AddHours(1) };
        Assert.True(await Storage.Users.UpdateAsync(locked, Token));
        var after = (await Storage.Users.FindAsync("asha", Token))!;
        Assert.Equal(locked with { Roles = after.Roles }, after);
        Assert.False(await Storage.Users.UpdateAsync(locked with { Id = 999_999 }, Token));

        Assert.Equal(["asha", "ravi"], (await Storage.Users.ListAsync(null, 10, Token)).Select(u => u.Name));
        Assert.Equal(["ravi"], (await Storage.Users.ListAsync("asha", 10, Token)).Select(u => u.Name));
        Assert.Equal(2, await Storage.Users.CountAsync(Token));
        Assert.Null(await Storage.Users.FindAsync("nobody", Token));
    }

    [Fact]
    public async Task Tokens_AddFindRevokeTouch_RoundTrip()
    {
        var token = NewToken("0123456789ab", "portal");
        Assert.True(await Storage.ApiTokens.AddAsync(token, Token));
        Assert.False(await Storage.ApiTokens.AddAsync(NewToken("0123456789ab", "other"), Token));
        Assert.False(await Storage.ApiTokens.AddAsync(NewToken("ba9876543210", "portal"), Token));

        var found = (await Storage.ApiTokens.FindByPrefixAsync("0123456789ab", Token))!;
        Assert.Equal(token.SecretHash, found.SecretHash);
        Assert.Equal(token with { SecretHash = found.SecretHash, Roles = found.Roles }, found);
        Assert.Equal([AccessRole.Consumer], found.Roles);
        Assert.Equal("portal", (await Storage.ApiTokens.FindByNameAsync("portal", Token))!.Name);

        await Storage.ApiTokens.TouchAsync("0123456789ab", T0.AddMinutes(5), Token);
        Assert.Equal(T0.AddMinutes(5), (await Storage.ApiTokens.FindByPrefixAsync("0123456789ab", Token))!.LastUsedAt);

        Assert.True(await Storage.ApiTokens.RevokeAsync("0123456789ab", T0.AddHours(1), Token));
        Assert.False(await Storage.ApiTokens.RevokeAsync("0123456789ab", T0.AddHours(2), Token));
        Assert.Equal(T0.AddHours(1), (await Storage.ApiTokens.FindByPrefixAsync("0123456789ab", Token))!.RevokedAt);
        Assert.Equal(["portal"], (await Storage.ApiTokens.ListAsync(null, 10, Token)).Select(t => t.Name));
        Assert.Equal(1, await Storage.ApiTokens.CountAsync(Token));
        Assert.Null(await Storage.ApiTokens.FindByPrefixAsync("ffffffffffff", Token));
    }
}
