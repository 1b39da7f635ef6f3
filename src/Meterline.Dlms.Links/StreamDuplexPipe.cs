using System.IO.Pipelines;

namespace Meterline.Dlms.Links;

/// <summary>A duplex pipe over a bidirectional stream (a TCP NetworkStream, a serial port's BaseStream).</summary>
public sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IDisposable? _owner;

    public StreamDuplexPipe(Stream stream, IDisposable? owner = null)
        : this(stream, owner, zeroByteReads: false)
    {
    }

    /// <param name="stream">The stream, owned by the pipe.</param>
    /// <param name="owner">Disposed after the stream, when given.</param>
    /// <param name="zeroByteReads">
    /// Wait for data with a zero-byte read before renting a read buffer, so that an idle connection holds no buffer
    /// (4 KiB from the shared pool otherwise, for as long as the connection waits). Only for streams whose zero-byte
    /// read waits for data (a socket's <see cref="System.Net.Sockets.NetworkStream"/>); a serial port's returns at once.
    /// </param>
    public StreamDuplexPipe(Stream stream, IDisposable? owner, bool zeroByteReads)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _owner = owner;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: zeroByteReads));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public async ValueTask DisposeAsync()
    {
        // Close the stream first: that is what ends a read blocked on a serial port or pseudo-terminal.
        await _stream.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
        await Output.CompleteAsync().ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
    }
}
