using System.Diagnostics;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Pkcs11.Tests;

/// <summary>
/// A private SoftHSM2 token for the test run: its own token directory and SOFTHSM2_CONF under /tmp, initialised with
/// softhsm2-util --init-token --free and random PINs (the user PIN in an environment variable and a 0600 file).
/// Fails, never skips, when SoftHSM2 is not installed (scripts/ensure-softhsm.sh installs it).
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string TokenLabel = "meterline-test";

    public SoftHsmFixture()
    {
        ModulePath = Environment.GetEnvironmentVariable("SOFTHSM2_MODULE") ?? Pkcs11KeyProviderOptions.SoftHsmModulePath;
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"SoftHSM2 is not installed: {ModulePath} is missing. Run scripts/ensure-softhsm.sh (apt-get install -y softhsm2).");
        }

        Directory = Path.Combine(Path.GetTempPath(), "meterline-softhsm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var tokens = Path.Combine(Directory, "tokens");
        System.IO.Directory.CreateDirectory(tokens, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var conf = Path.Combine(Directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        NativeEnvironment.Set("SOFTHSM2_CONF", conf);

        Pin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        PinVariable = "METERLINE_TEST_PKCS11_PIN";
        Environment.SetEnvironmentVariable(PinVariable, Pin);
        PinFile = Path.Combine(Directory, "pin");
        File.WriteAllText(PinFile, Pin + "\n");
        File.SetUnixFileMode(PinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var start = new ProcessStartInfo("softhsm2-util")
        {
            ArgumentList = { "--init-token", "--free", "--label", TokenLabel, "--pin", Pin, "--so-pin", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SOFTHSM2_CONF"] = conf;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("SoftHSM2 is not installed: softhsm2-util is not on the PATH. Run scripts/ensure-softhsm.sh.", e);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(30_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"softhsm2-util --init-token failed: {error.Result}");
            }
        }
    }

    public string ModulePath { get; }

    public string Directory { get; }

    public string Pin { get; }

    public string PinVariable { get; }

    public string PinFile { get; }

    public Pkcs11KeyProviderOptions Options(string prefix) => new()
    {
        ModulePath = ModulePath,
        TokenLabel = TokenLabel,
        PinEnvironmentVariable = PinVariable,
        ObjectLabelPrefix = prefix,
    };

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PinVariable, null);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
