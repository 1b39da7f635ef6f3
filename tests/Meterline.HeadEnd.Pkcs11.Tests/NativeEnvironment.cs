using System.Runtime.InteropServices;

namespace Meterline.HeadEnd.Pkcs11.Tests;

/// <summary>
/// Sets a variable in the process's native environment. .NET keeps its own copy on Unix, which native code such as
/// SoftHSM (reading SOFTHSM2_CONF with getenv at C_Initialize) does not see.
/// </summary>
internal static partial class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
