using System.Diagnostics;
using System.Globalization;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Readings;
using Meterline.Northbound.Amqp;
using Meterline.Storage;
using RabbitMQ.Client;

namespace Meterline.LoadHarness;

/// <summary>
/// The northbound relay alone: an outbox filled beforehand with reading messages as the ingest pipeline writes them
/// (one per meter per batch, six readings each) is published to the broker, into a durable queue bound to every key,
/// with publisher confirms, and the figure is messages confirmed and deleted from the outbox per second.
/// </summary>
internal static class PublishRun
{
    public static async Task<int> RunAsync(string? database, int messages, int batchSize, int rounds, Uri broker, string? password, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-publish-").FullName;
        try
        {
            await using var storage = await HeadEndStorage.OpenAsync(database ?? Path.Combine(directory, "hes.db"), cancellationToken: cancellationToken);
            if (await storage.Outbox.CountAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException("The database's outbox is not empty: give the harness an empty database.");
            }

            var compose = new NorthboundMessages(new MeterDirectory());
            var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            var filled = Stopwatch.StartNew();
            for (var first = 0; first < messages; first += 1_000)
            {
                var entries = new List<OutboxEntry>();
                for (var n = first; n < Math.Min(messages, first + 1_000); n++)
                {
                    var meter = new MeterId(n % 10_000);
                    var at = start.AddMinutes(15 * (n / 10_000));
                    entries.Add(compose.Readings(meter, Six(meter, at, n), at));
                }

                await storage.Outbox.AppendAsync(entries, cancellationToken);
            }

            output.WriteLine(Invariant($"outbox: {messages:N0} reading messages ({(await storage.Outbox.ReadAsync(1, cancellationToken))[0].Entry.Body.Length:N0} B each) written in {filled.Elapsed.TotalSeconds:0.0} s; rounds of {batchSize:N0}, {rounds} in flight"));
            await BindQueueAsync(broker, password, cancellationToken);
            var options = new NorthboundOptions { BatchSize = batchSize, RoundsInFlight = rounds, MaxMessages = Math.Max(messages, 1), HighWaterMark = Math.Max(messages, 1), LowWaterMark = 0 };
            var gauge = new OutboxGauge(options.MaxMessages);
            using var metrics = new NorthboundMetrics(gauge);
            var audit = await AuditLog.OpenAsync(storage.Audit, TimeProvider.System, cancellationToken);
            await using var publisher = new AmqpOutboxPublisher(new AmqpPublisherOptions { Uri = broker, Password = password, Exchange = "meterline.bench" });
            await publisher.ConnectAsync(cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var relay = new OutboxRelay(storage.Outbox, publisher, gauge, metrics, audit, options).RunAsync(stop.Token);
            while (metrics.Published < messages && !relay.IsCompleted)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            await stop.CancelAsync();
            await relay;
            output.WriteLine(Invariant($"published: {metrics.Published:N0} confirmed and deleted in {seconds:0.00} s = {metrics.Published / seconds:N0} messages/s ({metrics.Published * 6 / seconds:N0} readings/s); failed rounds {metrics.PublishFailures:N0}"));
            output.WriteLine(Invariant($"cpu: {cpuUsed.TotalSeconds / seconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores (this process; the broker's is not counted)"));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The durable queue <c>meterline.bench</c>, bound to every key of the bench exchange and emptied.</summary>
    public static async Task BindQueueAsync(Uri broker, string? password, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = false };
        if (password is not null)
        {
            factory.Password = password;
        }

        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync("meterline.bench", ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync("meterline.bench", durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync("meterline.bench", "meterline.bench", "#", cancellationToken: cancellationToken);
        await channel.QueuePurgeAsync("meterline.bench", cancellationToken);
    }

    private static List<IntervalReading> Six(MeterId meter, DateTimeOffset at, int n) =>
    [
        new(meter, at, Quantity.BlockImportEnergy, 10 + (n % 7), ReadingQuality.Authenticated),
        new(meter, at, Quantity.BlockExportEnergy, 0, ReadingQuality.Authenticated),
        new(meter, at, Quantity.BlockAverageVoltage, 231.4, ReadingQuality.Authenticated),
        new(meter, at, Quantity.BlockAverageCurrent, 4.2, ReadingQuality.Authenticated),
        new(meter, at, Quantity.CumulativeImportEnergy, 123_456 + n, ReadingQuality.Authenticated),
        new(meter, at, Quantity.CumulativeExportEnergy, 0, ReadingQuality.Authenticated),
    ];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
