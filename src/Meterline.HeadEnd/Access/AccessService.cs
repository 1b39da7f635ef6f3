using System.Globalization;
using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Access;

/// <summary>
/// Users, sign-in with lockout, and API tokens (docs/access.md). Every change and every sign-in is audited before
/// it is answered; refusals of requests are audited by the server through a <see cref="DenialAuditor"/>. PBKDF2 runs
/// at most <see cref="Environment.ProcessorCount"/> at a time, and the sign-ins of one name one at a time, so that
/// concurrent guesses cannot outrun the lockout count. Thread-safe.
/// </summary>
public sealed class AccessService
{
    public const string BootstrapTokenName = "bootstrap-admin";
    public const string BootstrapActor = "bootstrap";
    private const int SignInStripes = 64;

    private readonly IUserStore _users;
    private readonly IApiTokenStore _tokens;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly AccessOptions _options;
    private readonly SemaphoreSlim _hashing = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly SemaphoreSlim[] _signIns = [.. Enumerable.Range(0, SignInStripes).Select(_ => new SemaphoreSlim(1, 1))];

    public AccessService(IUserStore users, IApiTokenStore tokens, IAuditLog audit, TimeProvider time, AccessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new AccessOptions();
        _options.Validate();
        _users = users;
        _tokens = tokens;
        _audit = audit;
        _time = time;
    }

    public IUserStore Users => _users;

    public IApiTokenStore Tokens => _tokens;

    public AccessOptions Options => _options;

    /// <summary>Adds a user with a password (hashed here); refused with <see cref="AccessException"/>.</summary>
    public async Task<UserAccount> CreateUserAsync(string actor, string name, string password, IReadOnlyList<AccessRole> roles, string? consumerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        CheckName(name, "user");
        CheckPassword(password);
        CheckRoles(roles, consumerId);
        if (await _users.FindAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new AccessException(AccessError.Conflict, $"A user named {name} exists.");
        }

        var hash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await _audit.AppendAsync(actor, "access.user.created", name, new AuditDetail().Add("roles", AccessRoleNames.Join(roles)).Add("consumer", consumerId ?? string.Empty).ToString(), cancellationToken).ConfigureAwait(false);
        return await _users.AddAsync(new UserAccount(0, name, hash, [.. roles.Distinct().Order()], consumerId, false, now, 0, null, now), cancellationToken).ConfigureAwait(false)
            ?? throw new AccessException(AccessError.Conflict, $"A user named {name} exists.");
    }

    /// <summary>Sets a user's password (and ends their sessions); refused with <see cref="AccessException"/>.</summary>
    public async Task<UserAccount> ChangePasswordAsync(string actor, string name, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        CheckPassword(password);
        var user = await FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        var hash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, "access.user.password-changed", user.Name, string.Empty, cancellationToken).ConfigureAwait(false);
        var changed = user with { PasswordHash = hash, PasswordChangedAt = _time.GetUtcNow(), FailedLogins = 0, LockedUntil = null };
        return await _users.UpdateAsync(changed, cancellationToken).ConfigureAwait(false) ? changed : throw new AccessException(AccessError.NotFound, $"No user named {name}.");
    }

    /// <summary>Disables or enables a user (a disabled user's sessions end at their next request).</summary>
    public async Task<UserAccount> SetDisabledAsync(string actor, string name, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, disabled ? "access.user.disabled" : "access.user.enabled", user.Name, string.Empty, cancellationToken).ConfigureAwait(false);
        var changed = user with { Disabled = disabled, FailedLogins = 0, LockedUntil = null };
        return await _users.UpdateAsync(changed, cancellationToken).ConfigureAwait(false) ? changed : throw new AccessException(AccessError.NotFound, $"No user named {name}.");
    }

    /// <summary>
    /// Replaces a user's roles (and the consumer a consumer user is bound to); refused with <see cref="AccessException"/>.
    /// The user's next request is authorized with the new roles (each request reads the user again).
    /// </summary>
    public async Task<UserAccount> SetRolesAsync(string actor, string name, IReadOnlyList<AccessRole> roles, string? consumerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        CheckRoles(roles, consumerId);
        var user = await FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, "access.user.roles-changed", user.Name,
            new AuditDetail().Add("roles", AccessRoleNames.Join(roles)).Add("previous", AccessRoleNames.Join(user.Roles)).Add("consumer", consumerId ?? string.Empty).ToString(), cancellationToken).ConfigureAwait(false);
        var changed = user with { Roles = [.. roles.Distinct().Order()], ConsumerId = consumerId };
        return await _users.UpdateAsync(changed, cancellationToken).ConfigureAwait(false) ? changed : throw new AccessException(AccessError.NotFound, $"No user named {name}.");
    }

    /// <summary>
    /// Checks a name and password. An unknown name costs the same PBKDF2 work as a known one; a locked user is refused
    /// without it. The <see cref="AccessOptions.MaxFailedLogins"/>-th consecutive failure locks the user for
    /// <see cref="AccessOptions.Lockout"/> (audited); a success is audited and clears the count.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string name, string password, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(source);
        if (!AccessNames.IsValid(name) || password.Length > AccessNames.MaxPasswordLength)
        {
            await VerifyAsync(password.Length > AccessNames.MaxPasswordLength ? string.Empty : password, PasswordHashing.Unmatchable, cancellationToken).ConfigureAwait(false);
            return new SignInResult(SignInOutcome.WrongCredentials, null);
        }

        var stripe = _signIns[(int)((uint)StringComparer.Ordinal.GetHashCode(name) % SignInStripes)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var user = await _users.FindAsync(name, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                await VerifyAsync(password, PasswordHashing.Unmatchable, cancellationToken).ConfigureAwait(false);
                return new SignInResult(SignInOutcome.WrongCredentials, null);
            }

            var now = _time.GetUtcNow();
            if (user.LockedUntil is { } until && until > now)
            {
                return new SignInResult(SignInOutcome.LockedOut, null);
            }

            var matches = await VerifyAsync(password, user.PasswordHash, cancellationToken).ConfigureAwait(false);
            if (matches && user.Disabled)
            {
                return new SignInResult(SignInOutcome.Disabled, null);
            }

            if (!matches)
            {
                var failures = user.FailedLogins + 1;
                if (failures >= _options.MaxFailedLogins)
                {
                    var lockedUntil = now + _options.Lockout;
                    await _audit.AppendAsync("access", "access.user.locked-out", user.Name, new AuditDetail().Add("failures", failures).Add("until", lockedUntil.ToString("O", CultureInfo.InvariantCulture)).Add("source", source).ToString(), cancellationToken).ConfigureAwait(false);
                    await _users.UpdateAsync(user with { FailedLogins = 0, LockedUntil = lockedUntil }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _users.UpdateAsync(user with { FailedLogins = failures }, cancellationToken).ConfigureAwait(false);
                }

                return new SignInResult(SignInOutcome.WrongCredentials, null);
            }

            await _audit.AppendAsync(user.Name, "access.login.succeeded", user.Name, new AuditDetail().Add("source", source).ToString(), cancellationToken).ConfigureAwait(false);
            if (user.FailedLogins != 0 || user.LockedUntil is not null)
            {
                user = user with { FailedLogins = 0, LockedUntil = null };
                await _users.UpdateAsync(user, cancellationToken).ConfigureAwait(false);
            }

            return new SignInResult(SignInOutcome.Succeeded, user);
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Creates an API token; its text is in the result and nowhere else. Refused with <see cref="AccessException"/>.</summary>
    public async Task<CreatedApiToken> CreateTokenAsync(string actor, string name, IReadOnlyList<AccessRole> roles, string? consumerId, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        CheckName(name, "token");
        CheckRoles(roles, consumerId);
        var now = _time.GetUtcNow();
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new AccessException(AccessError.Invalid, "A token's expiry is in the future.");
        }

        if (await _tokens.FindByNameAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new AccessException(AccessError.Conflict, $"A token named {name} exists.");
        }

        var (text, prefix, hash) = ApiTokenSecret.Create();
        var token = new ApiToken(prefix, hash, name, [.. roles.Distinct().Order()], actor, consumerId, now, expiresAt, null, null);
        await _audit.AppendAsync(actor, "access.token.created", name, Detail(token).ToString(), cancellationToken).ConfigureAwait(false);
        return await _tokens.AddAsync(token, cancellationToken).ConfigureAwait(false)
            ? new CreatedApiToken(token, text)
            : throw new AccessException(AccessError.Conflict, $"A token named {name} exists.");
    }

    /// <summary>Revokes a live token by name; refused with <see cref="AccessException"/> (NotFound).</summary>
    public async Task<ApiToken> RevokeTokenAsync(string actor, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var token = AccessNames.IsValid(name) ? await _tokens.FindByNameAsync(name, cancellationToken).ConfigureAwait(false) : null;
        if (token is null || token.RevokedAt is not null)
        {
            throw new AccessException(AccessError.NotFound, $"No live token named {name}.");
        }

        var now = _time.GetUtcNow();
        await _audit.AppendAsync(actor, "access.token.revoked", token.Name, Detail(token).ToString(), cancellationToken).ConfigureAwait(false);
        return await _tokens.RevokeAsync(token.Prefix, now, cancellationToken).ConfigureAwait(false)
            ? token with { RevokedAt = now }
            : throw new AccessException(AccessError.NotFound, $"No live token named {name}.");
    }

    /// <summary>
    /// The live token a bearer credential names, or null: malformed, unknown prefix, wrong secret (compared in
    /// constant time), revoked or expired. Records the use at most once per <see cref="AccessOptions.TokenUseResolution"/>.
    /// </summary>
    public async Task<ApiToken?> AuthenticateTokenAsync(string? text, CancellationToken cancellationToken = default)
    {
        if (!ApiTokenSecret.TryParse(text, out var prefix, out var presented))
        {
            return null;
        }

        var token = await _tokens.FindByPrefixAsync(prefix, cancellationToken).ConfigureAwait(false);
        if (token is null || !ApiTokenSecret.Matches(token.SecretHash, presented))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (token.RevokedAt is not null || (token.ExpiresAt is { } expiry && expiry <= now))
        {
            return null;
        }

        if (token.LastUsedAt is not { } used || now - used >= _options.TokenUseResolution)
        {
            await _tokens.TouchAsync(prefix, now, cancellationToken).ConfigureAwait(false);
            token = token with { LastUsedAt = now };
        }

        return token;
    }

    /// <summary>
    /// On the first start (no users, no tokens): creates the admin token <see cref="BootstrapTokenName"/> and writes
    /// its text to <paramref name="tokenFile"/> (owner read/write only; replaced if a stale one is there) — never to
    /// a log. Returns whether it did.
    /// </summary>
    public async Task<bool> BootstrapAsync(string tokenFile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenFile);
        if (await _users.CountAsync(cancellationToken).ConfigureAwait(false) != 0 || await _tokens.CountAsync(cancellationToken).ConfigureAwait(false) != 0)
        {
            return false;
        }

        var (text, prefix, hash) = ApiTokenSecret.Create();
        var temporary = tokenFile + ".new";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temporary);
        await using (var file = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            await file.WriteLineAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        var token = new ApiToken(prefix, hash, BootstrapTokenName, [AccessRole.Admin], BootstrapActor, null, _time.GetUtcNow(), null, null, null);
        try
        {
            await _audit.AppendAsync(BootstrapActor, "access.token.created", token.Name, Detail(token).Add("file", Path.GetFullPath(tokenFile)).ToString(), cancellationToken).ConfigureAwait(false);
            if (!await _tokens.AddAsync(token, cancellationToken).ConfigureAwait(false))
            {
                // Another node sharing the database bootstrapped at the same moment: its token stands.
                File.Delete(temporary);
                return false;
            }
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, tokenFile, overwrite: true);
        return true;
    }

    private static AuditDetail Detail(ApiToken token) =>
        new AuditDetail().Add("prefix", token.Prefix).Add("roles", AccessRoleNames.Join(token.Roles)).Add("consumer", token.ConsumerId ?? string.Empty)
            .Add("expires", token.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty);

    private async Task<UserAccount> FindUserAsync(string name, CancellationToken cancellationToken) =>
        (AccessNames.IsValid(name) ? await _users.FindAsync(name, cancellationToken).ConfigureAwait(false) : null)
        ?? throw new AccessException(AccessError.NotFound, $"No user named {name}.");

    private async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return PasswordHashing.Hash(password);
        }
        finally
        {
            _hashing.Release();
        }
    }

    private async Task<bool> VerifyAsync(string password, string hash, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return PasswordHashing.Verify(password, hash);
        }
        finally
        {
            _hashing.Release();
        }
    }

    private static void CheckName(string name, string what)
    {
        if (!AccessNames.IsValid(name))
        {
            throw new AccessException(AccessError.Invalid, $"A {what} name is 1 to {AccessNames.MaxLength} letters, digits and . _ @ -.");
        }
    }

    private static void CheckPassword(string password)
    {
        if (!AccessNames.IsValidPassword(password))
        {
            throw new AccessException(AccessError.Invalid, $"A password is {AccessNames.MinPasswordLength} to {AccessNames.MaxPasswordLength} characters, none a control character.");
        }
    }

    private static void CheckRoles(IReadOnlyList<AccessRole> roles, string? consumerId)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Count == 0 || roles.Any(r => !Enum.IsDefined(r)))
        {
            throw new AccessException(AccessError.Invalid, "At least one role: viewer, operator, admin, auditor or consumer.");
        }

        if (roles.Contains(AccessRole.Consumer) != (consumerId is not null))
        {
            throw new AccessException(AccessError.Invalid, "The consumer role goes with a consumer id, and a consumer id only with the consumer role.");
        }

        if (roles.Contains(AccessRole.Consumer) && roles.Distinct().Count() > 1)
        {
            throw new AccessException(AccessError.Invalid, "The consumer role is not combined with another role.");
        }

        if (consumerId is not null && !AccessNames.IsValid(consumerId))
        {
            throw new AccessException(AccessError.Invalid, $"A consumer id is 1 to {AccessNames.MaxLength} letters, digits and . _ @ -.");
        }
    }
}
