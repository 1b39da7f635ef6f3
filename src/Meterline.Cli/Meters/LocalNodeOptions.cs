using System.CommandLine;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Keys;
using Meterline.Server.Hosting;

namespace Meterline.Cli.Meters;

/// <summary>
/// For commands that handle secrets and so open the node's own database and key provider instead of going through the
/// API (export-installation, mqtt password reissue, mqtt broker-config): serve's storage and key options, and the
/// node options they give — no listeners, no scheduler, no back-fill.
/// </summary>
internal sealed class LocalNodeOptions
{
    private readonly ServeOptions _storage = new();

    /// <summary>Adds --db, the key provider options and --profiles to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _storage.Database, _storage.KeyProvider, _storage.KeyFile, _storage.KeyEnvironment, _storage.Pkcs11Module, _storage.Pkcs11Token, _storage.Pkcs11PinEnvironment, _storage.Profiles })
        {
            command.Add(option);
        }
    }

    public HeadEndOptions ToOptions(ParseResult result) => new()
    {
        Database = result.GetValue(_storage.Database)!,
        KeyProvider = result.GetValue(_storage.KeyProvider) == "pkcs11" ? KeyProviderKind.Pkcs11 : KeyProviderKind.File,
        KeyFile = result.GetValue(_storage.KeyEnvironment) is null ? result.GetValue(_storage.KeyFile) : null,
        KeyEnvironmentVariable = result.GetValue(_storage.KeyEnvironment),
        Pkcs11Module = result.GetValue(_storage.Pkcs11Module)!,
        Pkcs11Token = result.GetValue(_storage.Pkcs11Token),
        Pkcs11PinEnvironmentVariable = result.GetValue(_storage.Pkcs11PinEnvironment),
        ProfilesDirectory = ServeOptions.ProfilesDirectory(result.GetValue(_storage.Profiles)),
        PushListeners = [],
        UdpPushListeners = [],
        Scheduler = null,
        Backfill = null,
    };

    /// <summary>Whether an exception from a secrets command is one to report as a failure (exit code 2) rather than a bug.</summary>
    public static bool IsFailure(Exception e) =>
        e is InvalidOperationException or KeyUnwrapException or KeyProviderException or IOException or UnauthorizedAccessException or Storage.StorageSchemaException;
}
