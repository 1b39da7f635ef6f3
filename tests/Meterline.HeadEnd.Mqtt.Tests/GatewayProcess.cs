using System.Collections.Concurrent;
using System.Diagnostics;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// The real <c>meterline gateway</c> as a child process (<c>dotnet meterline.dll gateway …</c>, built by the project
/// reference), ready once it prints where its DLMS/TCP meters connect; <see cref="KillHardAsync"/> is SIGKILL, so no
/// shutdown code runs. The last lines it printed are kept for failure messages.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(Process process)
    {
        _process = process;
    }

    public string RecentOutput => string.Join(Environment.NewLine, _lines);

    public static async Task<GatewayProcess> StartAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(MeterlineDll);
        info.ArgumentList.Add("gateway");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.Exited += (_, _) => gateway._ready.TrySetException(new InvalidOperationException($"meterline gateway exited before it was ready:{Environment.NewLine}{gateway.RecentOutput}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway._ready.Task.WaitAsync(timeout);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillHardAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillHardAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    /// <summary>src/Meterline.Cli's build output in this test's configuration and framework.</summary>
    private static string MeterlineDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var root = output;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Meterline.slnx")))
            {
                root = root.Parent;
            }

            var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Meterline.slnx not found above the test directory"),
                "src", "Meterline.Cli", "bin", output.Parent?.Name ?? "Release", output.Name, "meterline.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"meterline is not built at {path}", path);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }

        if (line.StartsWith("meterline gateway: DLMS/TCP meters on", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
