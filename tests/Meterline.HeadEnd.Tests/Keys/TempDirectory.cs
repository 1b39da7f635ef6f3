using Meterline.HeadEnd.Keys;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Tests.Keys;

/// <summary>A private directory under the temporary directory, deleted on dispose.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "meterline-keys-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public FileKeyProvider OpenProvider(string name = "kek") =>
        FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = File(name), CreateKeyFile = true, SigningKeyFile = File(name + ".signing.json") });

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
