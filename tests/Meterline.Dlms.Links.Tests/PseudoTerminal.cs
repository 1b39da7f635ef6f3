using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Meterline.Dlms.Links.Tests;

/// <summary>
/// A pseudo-terminal pair from glibc's openpty: the slave is a real /dev/pts/N device that System.IO.Ports opens as it
/// would /dev/ttyUSB0; the master is the far end of the wire, used here as the meter's side.
/// </summary>
internal sealed partial class PseudoTerminal : IDisposable
{
    private PseudoTerminal(FileStream master, string slavePath, int slaveFd)
    {
        Master = master;
        SlavePath = slavePath;
        _slaveFd = slaveFd;
    }

    private readonly int _slaveFd;

    public FileStream Master { get; }

    public string SlavePath { get; }

    public static PseudoTerminal Open()
    {
        if (openpty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
        {
            throw new InvalidOperationException($"openpty failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var name = Marshal.PtrToStringAnsi(ttyname(slave)) ?? throw new InvalidOperationException("ttyname failed");
        var stream = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.ReadWrite, bufferSize: 0);
        return new PseudoTerminal(stream, name, slave);
    }

    public void Dispose()
    {
        Master.Dispose();
        _ = close(_slaveFd);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openpty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr winsize);

    [LibraryImport("libc")]
    private static partial IntPtr ttyname(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
