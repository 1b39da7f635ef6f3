using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.Coap.Tests.Endpoints;

namespace Meterline.Coap.Tests.Interop;

/// <summary>Our endpoint against libcoap 4.3's coap-client and coap-server, both ways.</summary>
public sealed class LibCoapInteropTests
{
    private static readonly byte[] Large = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => i.ToString("D9", CultureInfo.InvariantCulture) + "\n")));

    private static async ValueTask<CoapResponse> Serve(CoapRequest request, CancellationToken cancellationToken)
    {
        switch (request.Path)
        {
            case "/large":
                return new CoapResponse(CoapCode.Content, [CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.TextPlain)], Large, MayExceedRequestSize: true);
            case "/length":
                return new CoapResponse(CoapCode.Changed, [], Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{request.Body.Length}:{Convert.ToHexString(SHA256.HashData(request.Body.Span))[..16]}")), true);
            case "/slow":
                await Task.Delay(800, cancellationToken);
                return new CoapResponse(CoapCode.Content, [], Encoding.ASCII.GetBytes("separate"), true);
            default:
                return new CoapResponse(CoapCode.Changed, [], request.Body, true);
        }
    }

    private static string Uri(RunningEndpoint server, string path) => $"coap://127.0.0.1:{server.Address.Port}{path}";

    [Fact]
    public async Task CoapClient_PostConfirmableAndNonConfirmable_Echoed()
    {
        await using var server = new RunningEndpoint(Serve);

        var con = await LibCoap.ClientAsync("-m", "post", "-e", "hello meter", Uri(server, "/echo"));
        var non = await LibCoap.ClientAsync("-N", "-m", "post", "-e", "non", "-B", "5", Uri(server, "/echo"));

        Assert.True(con.ExitCode == 0, con.Error);
        Assert.Equal("hello meter", con.Output.Trim());
        Assert.Equal("non", non.Output.Trim());
    }

    [Fact]
    public async Task CoapClient_BlockwiseBothWays_WholeBodies()
    {
        await using var server = new RunningEndpoint(Serve, new CoapEndpointOptions { BlockSize = 256 });
        var file = Path.GetTempFileName();
        var body = RandomNumberGenerator.GetBytes(3000);
        await File.WriteAllBytesAsync(file, body);
        try
        {
            var get = await LibCoap.ClientAsync("-b", "64", "-m", "get", Uri(server, "/large"));
            var post = await LibCoap.ClientAsync("-b", "64", "-m", "post", "-f", file, Uri(server, "/length"));

            Assert.True(get.ExitCode == 0, get.Error);
            Assert.Equal(Encoding.ASCII.GetString(Large), get.Output.TrimEnd('\n') + "\n");
            Assert.Equal($"3000:{Convert.ToHexString(SHA256.HashData(body))[..16]}", post.Output.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task CoapClient_SlowResource_SeparateResponse()
    {
        await using var server = new RunningEndpoint(Serve, new CoapEndpointOptions { PiggybackWindow = TimeSpan.FromMilliseconds(100) });

        var result = await LibCoap.ClientAsync("-m", "get", Uri(server, "/slow"));

        Assert.Equal("separate", result.Output.Trim());
    }

    [Fact]
    public async Task OurClient_AgainstCoapServer_Block1PutThenBlock2Get()
    {
        var process = LibCoap.Server(out var port, "-d", "4");
        try
        {
            await using var client = new RunningEndpoint(null, new CoapEndpointOptions { BlockSize = 64 });
            var remote = new IPEndPoint(IPAddress.Loopback, port);
            var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("meterline-coap-interop ", 100)));
            CoapClientResponse? put = null;
            for (var attempt = 0; put is null; attempt++)
            {
                try
                {
                    put = await client.Client.RequestAsync(remote, CoapCode.Put, "/example_data", body).WaitAsync(LibCoap.Bound);
                }
                catch (CoapExchangeException) when (attempt < 20)
                {
                    await Task.Delay(100); // the server is still starting
                }
            }

            var get = await client.Client.RequestAsync(remote, CoapCode.Get, "/example_data", ReadOnlyMemory<byte>.Empty).WaitAsync(LibCoap.Bound);
            var root = await client.Client.RequestAsync(remote, CoapCode.Get, "/", ReadOnlyMemory<byte>.Empty).WaitAsync(LibCoap.Bound);

            Assert.True(put.Code.IsSuccess, put.Code.ToString());
            Assert.Equal(CoapCode.Content, get.Code);
            Assert.Equal(body, get.Body.ToArray());
            Assert.Contains("libcoap", Encoding.UTF8.GetString(root.Body.Span), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            LibCoap.Stop(process);
        }
    }
}
