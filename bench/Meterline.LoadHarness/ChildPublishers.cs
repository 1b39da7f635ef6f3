using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Meterline.LoadHarness;

/// <summary>
/// The fleet's lean publishers (<see cref="RawMqttPublishers"/>) in a child process (<see cref="PublisherProcess"/>,
/// this harness's <c>mqtt-publishers</c> command): their CPU is not the node's. <see cref="PublisherCpu"/> is what the
/// child reported for its last publishing round.
/// </summary>
internal sealed class ChildPublishers : IMqttPublishers
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private ChildPublishers(Process process)
    {
        _process = process;
    }

    /// <summary>CPU the child spent publishing in its last round.</summary>
    public TimeSpan PublisherCpu { get; private set; }

    public static async Task<ChildPublishers> StartAsync(IPEndPoint broker, string provisioningPath, string pushesPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var assembly = typeof(ChildPublishers).Assembly.Location;
        if (!string.Equals(Path.GetFileNameWithoutExtension(start.FileName), Path.GetFileNameWithoutExtension(assembly), StringComparison.Ordinal))
        {
            // Run as `dotnet Meterline.LoadHarness.dll`: the child the same way.
            start.ArgumentList.Add(assembly);
        }

        foreach (var argument in new[] { "mqtt-publishers", "--broker", broker.ToString(), "--provisioning", provisioningPath, "--pushes", pushesPath })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The publisher process did not start.");
        var child = new ChildPublishers(process);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
            if (line != PublisherProcess.Connected)
            {
                throw new InvalidOperationException($"The publisher process did not connect: {line ?? "(it exited)"}");
            }
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }

        return child;
    }

    /// <inheritdoc />
    public async Task PublishAllAsync(IReadOnlyList<IReadOnlyList<byte[]>> byMeter, int window, AckLog log, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{PublisherProcess.Go} {window}"));
        await _process.StandardInput.FlushAsync(cancellationToken);
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("The publisher process exited while publishing.");
        var parts = line.Split(' ', 5);
        if (parts.Length != 5 || parts[0] != PublisherProcess.Done)
        {
            throw new InvalidOperationException($"Unexpected answer from the publisher process: {line}");
        }

        PublisherCpu = TimeSpan.FromSeconds(double.Parse(parts[3], CultureInfo.InvariantCulture));
        log.Adopt(int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), parts[4]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync(PublisherProcess.Close);
                await _process.StandardInput.FlushAsync();
                await _process.WaitForExitAsync().WaitAsync(ExitBound);
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
