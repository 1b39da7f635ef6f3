using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Zigbee.Emulator;

namespace Meterline.Cli.Tests.Serve;

/// <summary>
/// <c>meterline serve</c> as a process would run it (the command tree in process): it stops cleanly with exit code 0
/// when asked to, and when one of the node's services ends on its own — here the Zigbee coordinator's serial link goes
/// away — the command returns (exit code 2) instead of serving on without it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServeLifecycleTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-serve-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private TextWriter? _synchronizedOutput;

    [Fact]
    public async Task Serve_CoordinatorLinkLost_TheCommandEndsWithAFailure()
    {
        var coordinator = EmulatedCoordinator.StartOnPseudoTerminal();
        var output = TextWriter.Synchronized(_output);
        var serving = Start(output, "--zigbee-serial", coordinator.DevicePath!);
        await UntilStartedAsync(serving);

        await coordinator.DisposeAsync();

        Assert.Equal(ExitCodes.Failed, await serving.WaitAsync(Bound));
        Assert.Contains("one of its services ended", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Cancelled_StopsCleanlyWithExitCodeZero()
    {
        using var stop = new CancellationTokenSource();
        var output = TextWriter.Synchronized(_output);
        var serving = Start(output, stop.Token);
        await UntilStartedAsync(serving);

        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await serving.WaitAsync(Bound));
        Assert.Equal(string.Empty, _error.ToString());
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<int> Start(TextWriter output, params string[] extra) => Start(output, CancellationToken.None, extra);

    private Task<int> Start(TextWriter output, CancellationToken cancellationToken, params string[] extra)
    {
        _synchronizedOutput = output;
        string[] args =
        [
            "serve", "--db", Path.Combine(_directory, "node.db"), "--key-file", Path.Combine(_directory, "node.kek"), "--create-key-file",
            "--listen", "http://127.0.0.1:0", "--push", "127.0.0.1:0", "--profiles", Path.Combine(AppContext.BaseDirectory, "profiles"),
            "--log-level", "critical", .. extra,
        ];
        return Program.BuildRootCommand(output, TextWriter.Synchronized(_error)).Parse(args).InvokeAsync(cancellationToken: cancellationToken);
    }

    private async Task UntilStartedAsync(Task<int> serving)
    {
        for (var round = 0; round < 600 && !serving.IsCompleted; round++)
        {
            // TextWriter.Synchronized locks the wrapper itself, so reading under that lock never races a write.
            lock (_synchronizedOutput!)
            {
                if (_output.ToString().Contains("Ctrl+C stops the node.", StringComparison.Ordinal))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail($"serve did not start: {_error}");
    }
}
