using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Meterline.HeadEnd.Pkcs11;

/// <summary>
/// Pkcs11Interop 5.3 loads modules through <c>dlopen</c> imported from "libdl", which modern glibc systems (Debian 12)
/// ship only as libdl.so.2 (the unversioned name comes with the development package); since glibc 2.34 the functions
/// are in libc.so.6 too. This resolver maps "libdl" to whichever of those exists. Installed once per process.
/// </summary>
internal static class NativeLibraryResolver
{
    private static readonly Lazy<bool> Installed = new(Install);

    public static void EnsureInstalled() => _ = Installed.Value;

    private static bool Install()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The host installed its own resolver for Pkcs11Interop; it is in charge.
            return false;
        }
    }

    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libdl")
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in (ReadOnlySpan<string>)["libdl.so.2", "libc.so.6", "libdl.so"])
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
