using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// The master side of a pseudo-terminal as a stream. Reads and writes wait with <c>poll</c> in short slices, so a
/// cancellation or <see cref="Stream.Dispose()"/> ends them promptly (a blocking read on a terminal would not end by
/// closing the descriptor). After disposal reads return 0.
/// </summary>
internal sealed partial class PseudoTerminalStream(SafeFileHandle handle) : Stream
{
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const int PollSliceMilliseconds = 50;
    private const int EIntr = 4;
    private const int EAgain = 11;

    private int _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer, CancellationToken.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => ReadCore(buffer.Span, cancellationToken), CancellationToken.None));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer, CancellationToken.None);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => WriteCore(buffer.Span, cancellationToken), CancellationToken.None));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            handle.Dispose();
        }

        base.Dispose(disposing);
    }

    private unsafe int ReadCore(Span<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                if (!WaitFor(fd, PollIn, cancellationToken))
                {
                    return 0;
                }

                fixed (byte* p = buffer)
                {
                    var n = read(fd, p, buffer.Length);
                    if (n > 0)
                    {
                        return (int)n;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (n < 0 && errno is EIntr or EAgain)
                    {
                        continue;
                    }

                    // 0 or EIO: the slave side has no open descriptor left; treat as the end of the wire.
                    return 0;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private unsafe void WriteCore(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            while (!buffer.IsEmpty)
            {
                if (!WaitFor(fd, PollOut, cancellationToken))
                {
                    throw new ObjectDisposedException(nameof(PseudoTerminalStream));
                }

                fixed (byte* p = buffer)
                {
                    var n = write(fd, p, buffer.Length);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno is EIntr or EAgain)
                        {
                            continue;
                        }

                        throw new IOException($"write to the pseudo-terminal failed: errno {errno}");
                    }

                    buffer = buffer[(int)n..];
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Waits until the descriptor is ready; false once disposed. Throws when cancelled.</summary>
    private unsafe bool WaitFor(int fd, short events, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _disposed) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new PollFd { Fd = fd, Events = events };
            var ready = poll(&request, 1, PollSliceMilliseconds);
            if (ready > 0)
            {
                return true;
            }
        }

        return false;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nint count);
}
