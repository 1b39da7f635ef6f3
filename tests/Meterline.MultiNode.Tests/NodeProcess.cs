using System.Diagnostics;
using Meterline.CrashSafety.Tests;

namespace Meterline.MultiNode.Tests;

/// <summary>
/// One real <c>meterline serve</c> node as a child process (<c>dotnet meterline.dll serve …</c> from the CLI's build
/// output) with its own environment (the broker password). <see cref="StartAsync"/> returns once the node printed its
/// start banner; <see cref="KillHardAsync"/> is SIGKILL. The last lines of its output are kept for failure messages.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private const int KeptLines = 100;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public string RecentOutput
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public static async Task<NodeProcess> StartAsync(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(RepositoryPaths.MeterlineDll);
        info.ArgumentList.Add("serve");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (variable, value) in environment)
        {
            info.Environment[variable] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(name, process);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, isOutput: true);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, isOutput: false);
        process.Exited += (_, _) => node._ready.TrySetException(new InvalidOperationException($"node {name} exited before it was ready:{Environment.NewLine}{node.RecentOutput}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node._ready.Task.WaitAsync(timeout);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL (no shutdown code runs), then waits for the process to be gone.</summary>
    public async Task KillHardAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        using var bound = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(bound.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillHardAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void OnLine(string? line, bool isOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        if (isOutput && line.StartsWith("meterline serve:", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
