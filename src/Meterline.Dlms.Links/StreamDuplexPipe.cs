using System.IO.Pipelines;

namespace Meterline.Dlms.Links;

/// <summary>A duplex pipe over a bidirectional stream (a TCP NetworkStream, a serial port's BaseStream).</summary>
public sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IDisposable? _owner;

    public StreamDuplexPipe(Stream stream, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _owner = owner;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
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
