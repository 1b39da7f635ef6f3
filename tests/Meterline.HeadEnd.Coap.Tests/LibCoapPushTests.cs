using System.Diagnostics;
using Meterline.Simulator.Push;

namespace Meterline.HeadEnd.Coap.Tests;

public sealed class LibCoapPushTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CoapClient_PostsARealSecuredPush_StoredAndAnsweredAfterCommit()
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(1, speed: 3600, Start, push: false);
        var meters = await headEnd.RegisterAsync(_ => null);
        headEnd.RunPipeline();
        headEnd.RunIngress();
        headEnd.RunFleet();
        await CoapHeadEnd.UntilAsync(() => Task.FromResult(headEnd.Simulator.Snapshot().PushesPending > 0), "a push is due");
        Assert.True(((IPushSource)headEnd.Simulator.Meters[0]).TryTakePush(out var push));
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, push.Apdu.ToArray());
        try
        {
            var info = new ProcessStartInfo("coap-client-notls") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-v", "6", "-m", "post", "-t", "42", "-f", file, $"coap://127.0.0.1:{headEnd.Ingress.LocalEndPoint.Port}/dlms" })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(CoapHeadEnd.Bound);

            Assert.True(process.ExitCode == 0, await error);
            Assert.Contains("2.04", (await output) + (await error), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.True(await headEnd.Readings.CountReadingsAsync(meters[0].Id) > 0);
        Assert.Equal(1, headEnd.Ingress.Committed);
    }
}
