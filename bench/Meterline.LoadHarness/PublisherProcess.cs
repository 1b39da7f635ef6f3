using System.Diagnostics;
using System.Globalization;
using System.Net;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// The <c>mqtt-publishers</c> command: the fleet's <see cref="RawMqttPublishers"/> in a process of their own, so that a
/// run's CPU figures separate the publishers from the head-end node (or from mosquitto's subscriber). Driven by
/// <see cref="ChildPublishers"/> over standard input and output, one line each way: it connects every meter and writes
/// <c>connected</c>; on <c>go {window}</c> it publishes every push and writes
/// <c>done {acknowledged} {failed} {cpu seconds} {summary}</c>; on <c>close</c> (or the end of its input) it disconnects
/// and exits.
/// </summary>
internal static class PublisherProcess
{
    public const string Connected = "connected";
    public const string Go = "go";
    public const string Done = "done";
    public const string Close = "close";

    public static async Task<int> RunAsync(IPEndPoint broker, string provisioningPath, string pushesPath, TextWriter output, CancellationToken cancellationToken)
    {
        var meters = FleetProvisioningFile.Read(provisioningPath).Meters;
        var byMeter = RecordedPushes.ReadByMeter(pushesPath);
        await using var publishers = await RawMqttPublishers.ConnectAsync(broker, meters, byMeter, cancellationToken);
        await output.WriteLineAsync(Connected);
        await output.FlushAsync(cancellationToken);
        using var input = new StreamReader(Console.OpenStandardInput());
        while (await input.ReadLineAsync(cancellationToken) is { } line && line != Close)
        {
            var parts = line.Split(' ');
            if (parts[0] != Go || parts.Length != 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var window) || window < 1)
            {
                throw new InvalidOperationException($"Unexpected command: {line}");
            }

            var log = new AckLog(byMeter.Sum(m => m.Count));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await publishers.PublishAllAsync(byMeter, window, log, cancellationToken);
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Done} {log.Acknowledged} {log.Failed} {used.TotalSeconds:0.000} {log}"));
            await output.FlushAsync(cancellationToken);
        }

        return 0;
    }
}
