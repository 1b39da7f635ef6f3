using System.Diagnostics;
using System.Globalization;
using System.Net;
using Meterline.HeadEnd.Mqtt.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Meterline.LoadHarness;

/// <summary>
/// What mosquitto does alone with the same messages (issue 10's comparison point): the fleet's MQTT publishers publish the
/// same recorded pushes at QoS 1 with the same window, and one subscriber (the head-end's user, <c>meterline/+/up</c>
/// at QoS 1) takes every message and does nothing with it. Reports messages delivered to the subscriber per second,
/// the publishers' PUBACK latency (mosquitto acknowledges on receipt), and mosquitto's CPU.
/// </summary>
internal static class MosquittoBaseline
{
    /// <param name="connect">Connects the publishers (the same kind the node's run uses).</param>
    public static async Task RunAsync(PrivateMosquitto mosquitto, Func<IPEndPoint, CancellationToken, Task<IMqttPublishers>> connect, RecordedPushes pushes, int window, TextWriter output, CancellationToken cancellationToken)
    {
        var total = pushes.Count;
        long delivered = 0;
        long firstDelivery = 0;
        long lastDelivery = 0;
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            var now = Stopwatch.GetTimestamp();
            if (Interlocked.Increment(ref delivered) == 1)
            {
                firstDelivery = now;
            }

            Volatile.Write(ref lastDelivery, now);
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(mosquitto.Endpoint.Address.ToString(), mosquitto.Endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("meterline-bench-subscriber")
            .WithCredentials(PrivateMosquitto.HeadEndUser, mosquitto.HeadEndPassword)
            .WithCleanStart(true)
            .Build(), cancellationToken);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.AllUp, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);

        var log = new AckLog(total);
        await using (var clients = await connect(mosquitto.Endpoint, cancellationToken))
        {
            var cpu = mosquitto.CpuTime();
            var own = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await clients.PublishAllAsync(pushes.ByMeter, window, log, cancellationToken);
            var deadline = clock.Elapsed + TimeSpan.FromSeconds(30);
            while (Interlocked.Read(ref delivered) < total - log.Failed && clock.Elapsed < deadline)
            {
                await Task.Delay(10, cancellationToken);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var span = Stopwatch.GetElapsedTime(firstDelivery, Volatile.Read(ref lastDelivery)).TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mosquitto alone (same messages, QoS 1, a subscriber that does nothing): {delivered:N0} of {total:N0} delivered in {span:0.00} s = {delivered / Math.Max(span, 1e-3):N0} msg/s; publishers: {log}"));
            var brokerCpu = mosquitto.CpuTime() - cpu;
            var publisherCpu = clients is ChildPublishers child ? child.PublisherCpu : (TimeSpan?)null;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  mosquitto cpu {brokerCpu.TotalSeconds / seconds:0.00} cores ({brokerCpu.TotalMilliseconds / Math.Max(1, delivered) * 1_000:0.0} ms per 1,000 messages); this process ({(publisherCpu is null ? "publishers and subscriber" : "the subscriber")}) {(Process.GetCurrentProcess().TotalProcessorTime - own).TotalSeconds / seconds:0.00} cores{(publisherCpu is { } p ? $"; publishers (own process) {p.TotalSeconds / seconds:0.00} cores" : "")}; load average {IngestRun.LoadAverage()}"));
        }

        await subscriber.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
    }
}
