using System.Security.Cryptography;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Access;

/// <summary>API tokens (hash, prefix look-up, revocation, expiry, last use), sign-in lockout and the bootstrap token, on a fake clock.</summary>
public sealed class AccessServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAuditStore _auditStore = new();
    private readonly InMemoryApiTokenStore _tokens = new();
    private readonly InMemoryUserStore _users = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-access-").FullName;

    [Fact]
    public async Task CreateToken_StoresOnlyTheHashOfTheSecret_AndAuthenticatesByPrefix()
    {
        var access = await AccessAsync();

        var created = await access.CreateTokenAsync("admin", "meter-reader-bot", [AccessRole.Viewer], null, null);

        Assert.Matches("^mtl_[0-9a-f]{12}_[0-9a-f]{64}$", created.Text);
        var stored = (await _tokens.FindByNameAsync("meter-reader-bot"))!;
        Assert.Equal(created.Text[4..16], stored.Prefix);
        Assert.Equal(SHA256.HashData(Convert.FromHexString(created.Text[17..])), stored.SecretHash);
        Assert.DoesNotContain(created.Text[17..], string.Join("|", (await _auditStore.GetRecentAsync(null, 10)).Select(e => e.Detail)), StringComparison.Ordinal);
        var authenticated = await access.AuthenticateTokenAsync(created.Text);
        Assert.Equal("meter-reader-bot", authenticated!.Name);
        Assert.Equal([AccessRole.Viewer], authenticated.Roles);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mtl_")]
    [InlineData("Bearer")]
    [InlineData("mtl_ABCDEF012345_0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task AuthenticateToken_Malformed_Null(string text)
    {
        var access = await AccessAsync();

        Assert.Null(await access.AuthenticateTokenAsync(text));
    }

    [Fact]
    public async Task AuthenticateToken_RightPrefixWrongSecret_Null()
    {
        var access = await AccessAsync();
        var created = await access.CreateTokenAsync("admin", "bot", [AccessRole.Viewer], null, null);
        var last = created.Text[^1] == '0' ? '1' : '0';

        Assert.Null(await access.AuthenticateTokenAsync(created.Text[..^1] + last));
    }

    [Fact]
    public async Task AuthenticateToken_Revoked_NullAndAudited()
    {
        var access = await AccessAsync();
        var created = await access.CreateTokenAsync("admin", "bot", [AccessRole.Operator], null, null);

        var revoked = await access.RevokeTokenAsync("admin", "bot");

        Assert.Equal(_time.GetUtcNow(), revoked.RevokedAt);
        Assert.Null(await access.AuthenticateTokenAsync(created.Text));
        Assert.Contains(await _auditStore.GetRecentAsync("bot", 10), e => e.Action == "access.token.revoked" && e.Actor == "admin");
        var again = await Assert.ThrowsAsync<AccessException>(() => access.RevokeTokenAsync("admin", "bot"));
        Assert.Equal(AccessError.NotFound, again.Error);
    }

    [Fact]
    public async Task AuthenticateToken_AtItsExpiry_Null()
    {
        var access = await AccessAsync();
        var created = await access.CreateTokenAsync("admin", "bot", [AccessRole.Viewer], null, _time.GetUtcNow().AddHours(1));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await access.AuthenticateTokenAsync(created.Text));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await access.AuthenticateTokenAsync(created.Text));
    }

    [Fact]
    public async Task AuthenticateToken_UsedOften_LastUsedWrittenOncePerResolution()
    {
        var access = await AccessAsync();
        var created = await access.CreateTokenAsync("admin", "bot", [AccessRole.Viewer], null, null);
        var first = _time.GetUtcNow();

        await access.AuthenticateTokenAsync(created.Text);
        _time.Advance(TimeSpan.FromSeconds(30));
        await access.AuthenticateTokenAsync(created.Text);
        Assert.Equal(first, (await _tokens.FindByNameAsync("bot"))!.LastUsedAt);
        _time.Advance(TimeSpan.FromSeconds(30));
        await access.AuthenticateTokenAsync(created.Text);
        Assert.Equal(first.AddMinutes(1), (await _tokens.FindByNameAsync("bot"))!.LastUsedAt);
    }

    [Fact]
    public async Task CreateToken_PastExpiryOrConsumerWithoutId_RefusedNothingStored()
    {
        var access = await AccessAsync();

        var past = await Assert.ThrowsAsync<AccessException>(() => access.CreateTokenAsync("admin", "a", [AccessRole.Viewer], null, _time.GetUtcNow()));
        var consumer = await Assert.ThrowsAsync<AccessException>(() => access.CreateTokenAsync("admin", "b", [AccessRole.Consumer], null, null));
        var mixed = await Assert.ThrowsAsync<AccessException>(() => access.CreateTokenAsync("admin", "c", [AccessRole.Consumer, AccessRole.Viewer], "C-1", null));

        Assert.All([past, consumer, mixed], e => Assert.Equal(AccessError.Invalid, e.Error));
        Assert.Equal(0, await _tokens.CountAsync());
    }

    [Fact]
    public async Task SignIn_FailuresUpToTheLimit_LockedUntilTheLockoutEnds()
    {
        var access = await AccessAsync(new AccessOptions { MaxFailedLogins = 3, Lockout = TimeSpan.FromMinutes(10) });
        await access.CreateUserAsync("admin", "asha", "a good long password", [AccessRole.Operator], null);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await access.SignInAsync("asha", "wrong password!", "10.0.0.1")).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, (await access.SignInAsync("asha", "a good long password", "10.0.0.1")).Outcome);
        _time.Advance(TimeSpan.FromMinutes(10));
        var result = await access.SignInAsync("asha", "a good long password", "10.0.0.1");
        Assert.Equal(SignInOutcome.Succeeded, result.Outcome);
        Assert.Null((await _users.FindAsync("asha"))!.LockedUntil);
        Assert.Single(await _auditStore.GetRecentAsync("asha", 20), e => e.Action == "access.user.locked-out");
    }

    [Fact]
    public async Task SignIn_DisabledUserWithTheRightPassword_Disabled_UnknownUser_WrongCredentials()
    {
        var access = await AccessAsync();
        await access.CreateUserAsync("admin", "ravi", "a good long password", [AccessRole.Viewer], null);
        await access.SetDisabledAsync("admin", "ravi", true);

        Assert.Equal(SignInOutcome.Disabled, (await access.SignInAsync("ravi", "a good long password", "10.0.0.1")).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await access.SignInAsync("ravi", "another password", "10.0.0.1")).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await access.SignInAsync("nobody", "a good long password", "10.0.0.1")).Outcome);
    }

    [Fact]
    public async Task ChangePassword_OldOneFails_NewOneSignsIn()
    {
        var access = await AccessAsync();
        await access.CreateUserAsync("admin", "kiran", "the first password", [AccessRole.Viewer], null);

        var changed = await access.ChangePasswordAsync("admin", "kiran", "the second password");

        Assert.Equal(_time.GetUtcNow(), changed.PasswordChangedAt);
        Assert.False((await access.SignInAsync("kiran", "the first password", "10.0.0.1")).Succeeded);
        Assert.True((await access.SignInAsync("kiran", "the second password", "10.0.0.1")).Succeeded);
        Assert.StartsWith("pbkdf2-sha256$600000$", (await _users.FindAsync("kiran"))!.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_EmptyStore_WritesAnOwnerOnlyAdminTokenOnce()
    {
        var access = await AccessAsync();
        var file = Path.Combine(_directory, "node.admin-token");

        Assert.True(await access.BootstrapAsync(file));
        Assert.False(await access.BootstrapAsync(file));

        var text = (await File.ReadAllTextAsync(file)).Trim();
        var token = await access.AuthenticateTokenAsync(text);
        Assert.Equal(AccessService.BootstrapTokenName, token!.Name);
        Assert.Equal([AccessRole.Admin], token.Roles);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.False(File.Exists(file + ".new"));
        Assert.Single(await _auditStore.GetRecentAsync(AccessService.BootstrapTokenName, 10), e => e.Action == "access.token.created" && e.Actor == AccessService.BootstrapActor);
    }

    [Fact]
    public void PasswordHashing_SaltedAndVerifiedInConstantTime()
    {
        var first = PasswordHashing.Hash("the same password");
        var second = PasswordHashing.Hash("the same password");

        Assert.NotEqual(first, second);
        Assert.True(PasswordHashing.Verify("the same password", first));
        Assert.False(PasswordHashing.Verify("the same passworD", first));
        Assert.False(PasswordHashing.Verify("the same password", "pbkdf2-sha256$0$AA==$AA=="));
        Assert.False(PasswordHashing.Verify("the same password", "md5$x"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<AccessService> AccessAsync(AccessOptions? options = null) =>
        new(_users, _tokens, await AuditLog.OpenAsync(_auditStore, _time), _time, options);
}
