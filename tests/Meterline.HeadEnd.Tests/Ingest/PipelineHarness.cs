using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>An ingest pipeline over in-memory stores, a fake clock and the test inspector and decoder.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public PipelineHarness(IngestPipelineOptions? options = null)
    {
        Pipeline = new IngestPipeline(Inspector, Decoder, Store, Repository, Audit, options ?? new IngestPipelineOptions(), Time);
    }

    public FakeTimeProvider Time { get; } = new(TestMeterSetup.Start);

    public InMemoryMeterRepository Repository { get; } = new();

    public GatedReadingStore<InMemoryReadingStore> Store { get; } = new(new InMemoryReadingStore());

    public RecordingAuditLog Audit { get; } = new();

    public TestInspector Inspector { get; } = new();

    public TestDecoder Decoder { get; } = new();

    public IngestPipeline Pipeline { get; }

    public Meter Meter { get; private set; } = null!;

    public async Task<PipelineHarness> StartAsync(bool run = true)
    {
        Meter = await TestMeterSetup.AddAsync(Repository, 1);
        await Pipeline.LoadAsync();
        if (run)
        {
            Run();
        }

        return this;
    }

    public void Run() => _running = Pipeline.RunAsync(_stop.Token);

    public ValueTask<FrameAdmission> SubmitAsync(uint counter, PushKind kind = PushKind.Usage, IFrameAcknowledgement? ack = null) =>
        Pipeline.SubmitAsync(TestFrames.Create(Meter.SystemTitle, counter, kind, ack: ack));

    /// <summary>Waits until the store holds <paramref name="readings"/> readings, advancing the clock past batch delays.</summary>
    public Task UntilStoredAsync(long readings) =>
        TestMeterSetup.UntilAsync(() => Store.Inner.CountReadingsAsync().Result >= readings, Time);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is { } running)
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Pipeline.Dispose();
        _stop.Dispose();
    }
}
