using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Links.Tests;

/// <summary>
/// A scripted fake server on the far end of an in-memory wrapper link: the test reads each request and decides what
/// (if anything) comes back — wrong invoke-ids, truncated replies, silence.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    // u9n/dlms-cosem tests/test_asce/test_aare.py: accepted, LN without ciphering, max PDU 0x0400.
    public static readonly byte[] PublishedAare = Convert.FromHexString("6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D04000007");

    private ScriptedPeer(WrapperLink server, WrapperLink client)
    {
        Server = server;
        ClientLink = client;
    }

    public WrapperLink Server { get; }

    public WrapperLink ClientLink { get; }

    public static ScriptedPeer Create()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        return new ScriptedPeer(WrapperLink.Start(serverPipe, 1, null), WrapperLink.Start(clientPipe, 16, 1));
    }

    public async Task<Apdu> ExpectAsync()
    {
        var raw = await Server.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return ApduCodec.Decode(raw.Span);
    }

    public ValueTask ReplyAsync(Apdu apdu) => Server.SendAsync(apdu.ToArray());

    public ValueTask ReplyAsync(byte[] raw) => Server.SendAsync(raw);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await ClientLink.DisposeAsync();
    }
}
