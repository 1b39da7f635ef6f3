using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// A pseudo-terminal pair from glibc's <c>openpty</c>, set to raw mode (<c>cfmakeraw</c>) so that no byte is
/// translated, echoed or taken for flow control. The slave, <see cref="SlavePath"/> (/dev/pts/N), is what a driver
/// opens with System.IO.Ports as it would /dev/ttyUSB0; <see cref="Master"/> is the far end of the wire, where the
/// emulated module sits. Linux only.
/// </summary>
public sealed partial class PseudoTerminal : IDisposable
{
    private const int TcsaNow = 0;

    private readonly int _slaveFd;
    private int _disposed;

    private PseudoTerminal(SafeFileHandle master, string slavePath, int slaveFd)
    {
        Master = new PseudoTerminalStream(master);
        SlavePath = slavePath;
        _slaveFd = slaveFd;
    }

    /// <summary>The master side as a stream: reads wait (cancellably) for bytes the slave side writes, and back.</summary>
    public Stream Master { get; }

    /// <summary>The slave device path, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    public static PseudoTerminal Open()
    {
        if (openpty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
        {
            throw new IOException($"openpty failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var handle = new SafeFileHandle(master, ownsHandle: true);
        try
        {
            var name = Marshal.PtrToStringAnsi(ttyname(slave)) ?? throw new IOException("ttyname failed");
            MakeRaw(master);
            MakeRaw(slave);
            return new PseudoTerminal(handle, name, slave);
        }
        catch
        {
            handle.Dispose();
            _ = close(slave);
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Master.Dispose();
        _ = close(_slaveFd);
    }

    private static void MakeRaw(int fd)
    {
        // struct termios is 60 bytes on Linux (glibc); the buffer leaves room for any layout.
        var termios = new byte[256];
        if (tcgetattr(fd, ref termios[0]) != 0)
        {
            throw new IOException($"tcgetattr failed: errno {Marshal.GetLastPInvokeError()}");
        }

        cfmakeraw(ref termios[0]);
        if (tcsetattr(fd, TcsaNow, ref termios[0]) != 0)
        {
            throw new IOException($"tcsetattr failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openpty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr winsize);

    [LibraryImport("libc")]
    private static partial IntPtr ttyname(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, ref byte termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int optionalActions, ref byte termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw(ref byte termios);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
