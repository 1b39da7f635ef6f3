using System.IO.Pipelines;

namespace Meterline.Dlms.Links;

/// <summary>An in-memory duplex pipe: one end of a connected pair, for tests, the simulator and in-process links.</summary>
public sealed class InMemoryDuplexPipe : IDuplexPipe
{
    private InMemoryDuplexPipe(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Two ends: what one writes, the other reads.</summary>
    public static (InMemoryDuplexPipe Client, InMemoryDuplexPipe Server) CreatePair(PipeOptions? options = null)
    {
        var toServer = new Pipe(options ?? PipeOptions.Default);
        var toClient = new Pipe(options ?? PipeOptions.Default);
        return (new InMemoryDuplexPipe(toClient.Reader, toServer.Writer), new InMemoryDuplexPipe(toServer.Reader, toClient.Writer));
    }
}
