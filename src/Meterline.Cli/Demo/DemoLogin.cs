using System.Security.Cryptography;
using Meterline.HeadEnd.Access;

namespace Meterline.Cli.Demo;

/// <summary>
/// The demo's first login: on a node with no users, an <c>admin</c> user with a random password, which the demo
/// prints and keeps owner-only in the data directory (<c>demo-admin.password</c>) so a reused directory prints it again.
/// </summary>
internal static class DemoLogin
{
    public const string UserName = "admin";
    public const string PasswordFile = "demo-admin.password";

    /// <summary>The demo admin's password: the kept one, or a new user's; null when the directory has users but no kept password.</summary>
    public static async Task<string?> EnsureAsync(AccessService access, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var path = Path.Combine(directory, PasswordFile);
        if (await access.Users.CountAsync(cancellationToken).ConfigureAwait(false) != 0)
        {
            return File.Exists(path) ? (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() : null;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
        await access.CreateUserAsync(DemoOptions.Actor, UserName, password, [AccessRole.Admin], null, cancellationToken).ConfigureAwait(false);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        await writer.WriteLineAsync(password.AsMemory(), cancellationToken).ConfigureAwait(false);
        return password;
    }
}
