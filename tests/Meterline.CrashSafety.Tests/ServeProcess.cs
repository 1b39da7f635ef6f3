using System.Diagnostics;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// The real <c>meterline serve</c> as a child process (<c>dotnet meterline.dll serve …</c> from the CLI's build
/// output). <see cref="StartAsync"/> returns once the node has printed its start banner (database open and migrated,
/// push listener bound, web host started); <see cref="KillHardAsync"/> is SIGKILL: no shutdown code runs. The last lines
/// of its output are kept (bounded) for failure messages.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private const int KeptServiceLines = 100;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly List<string> _serviceLines = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _webApi = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the failure messages call this process (a node's name when several run).</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The web API's address as the node printed it in its banner (the port it bound for <c>--listen …:0</c>).</summary>
    public Task<Uri> WebApiAsync(TimeSpan timeout) => _webApi.Task.WaitAsync(timeout);

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
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

    /// <summary>
    /// The first lines that speak of the node's services (<c>HeadEndLoopService</c>: "The head-end service … failed;
    /// stopping the node", "… met a database outage") and of the ingest writer ("Ingest: the store refused a batch …"),
    /// kept apart from <see cref="RecentOutput"/> so that stack
    /// traces do not push them out.
    /// </summary>
    public IReadOnlyList<string> ServiceLines
    {
        get
        {
            lock (_lines)
            {
                return [.. _serviceLines];
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(
        IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string name = "meterline serve")
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

        // A life here is seconds long: dynamic PGO's instrumented tier only costs it time (measured: the start to the
        // ready banner some 10 % shorter without it on a loaded 2-core machine).
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var serve = new ServeProcess(name, process);
        process.OutputDataReceived += (_, e) => serve.OnLine(e.Data, isOutput: true);
        process.ErrorDataReceived += (_, e) => serve.OnLine(e.Data, isOutput: false);
        process.Exited += (_, _) => serve._ready.TrySetException(new InvalidOperationException($"{serve.Name} exited before it was ready:{Environment.NewLine}{serve.RecentOutput}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await serve._ready.Task.WaitAsync(timeout);
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
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

            if (_serviceLines.Count < KeptServiceLines && (line.Contains("The head-end service", StringComparison.Ordinal) || line.Contains("Ingest: the store", StringComparison.Ordinal)))
            {
                _serviceLines.Add(line.Trim());
            }
        }

        if (isOutput && line.StartsWith("meterline serve:", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }

        // "  web API:  http://127.0.0.1:44051  (OpenAPI at /openapi/v1.json)"
        if (isOutput && line.TrimStart().StartsWith("web API:", StringComparison.Ordinal)
            && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, var address, ..]
            && Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            _webApi.TrySetResult(uri);
        }
    }
}
