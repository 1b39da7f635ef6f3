using Meterline.Dlms.Links;

namespace Meterline.Cli.Dlms;

/// <summary>An associated client and the transport under it, closed together.</summary>
internal sealed class DlmsSession(DlmsClient client, StreamDuplexPipe pipe) : IAsyncDisposable
{
    public DlmsClient Client { get; } = client;

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await pipe.DisposeAsync().ConfigureAwait(false);
    }
}
