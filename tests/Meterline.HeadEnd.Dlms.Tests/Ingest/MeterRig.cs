using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>
/// A real <see cref="SmartMeter"/> on a fake clock, registered in an in-memory registry with its keys in a test
/// keyring, and a head-end ingest pipeline with the DLMS inspector and decoder over in-memory stores.
/// </summary>
internal sealed class MeterRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(5.5));
    public static readonly SystemTitle MeterTitle = SystemTitle.Parse("4D544C0000000001");
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "meterline-ingest-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public MeterRig(Func<SmartMeterOptions, SmartMeterOptions>? configure = null, TimeProvider? headEndTime = null)
    {
        Directory.CreateDirectory(_stateDirectory);
        var keys = new MeterKeyMaterial(Bytes(EncryptionKey), default, Bytes(AuthenticationKey), Bytes(MasterKey), "reader-secret"u8.ToArray());
        var options = new SmartMeterOptions
        {
            Profile = Profile,
            Identity = new MeterIdentity { Serial = "MTL0001", SystemTitle = MeterTitle },
            InitialKeys = keys,
            Household = HouseholdProfile.Typical(7),
            GridSeed = 7,
            StateStore = new FileMeterStateStore(_stateDirectory, flushToDisk: false),
            TimeProvider = Time,
        };
        SmartMeter = new SmartMeter(configure?.Invoke(options) ?? options);
        Keyring = new TestKeyring();
        Decoder = new DlmsPushDecoder(Keyring, [Profile]);
        Pipeline = new IngestPipeline(new DlmsSecuredApduInspector(), Decoder, Store, Repository, Audit, new IngestPipelineOptions { MaxBatchDelay = TimeSpan.FromMilliseconds(5) }, headEndTime ?? TimeProvider.System);
    }

    public static MeterProfile Profile { get; } = MeterProfile.Load(FindProfile());

    public FakeTimeProvider Time { get; } = new(Start);

    public CipherKey EncryptionKey { get; } = CipherKey.Generate();

    public CipherKey AuthenticationKey { get; } = CipherKey.Generate();

    public CipherKey MasterKey { get; } = CipherKey.Generate();

    public SmartMeter SmartMeter { get; }

    public InMemoryMeterRepository Repository { get; } = new();

    public InMemoryReadingStore Store { get; } = new();

    public RecordingAuditLog Audit { get; } = new();

    public TestKeyring Keyring { get; }

    public DlmsPushDecoder Decoder { get; }

    public IngestPipeline Pipeline { get; }

    public Meters.Meter Meter { get; private set; } = null!;

    /// <summary>Registers the meter and its keys, loads the pipeline and (optionally) runs it.</summary>
    public async Task<MeterRig> StartAsync(bool run = true)
    {
        Meter = await Repository.AddAsync(new MeterRegistration(SmartMeter.Id, new MeterSystemTitle(MeterTitle.Value), Profile.Id));
        Keyring.Add(Meter.Id, Meter.KeyGeneration, Bytes(EncryptionKey), Bytes(AuthenticationKey), Bytes(MasterKey));
        await Pipeline.LoadAsync();
        if (run)
        {
            _running = Pipeline.RunAsync(_stop.Token);
        }

        return this;
    }

    /// <summary>Lets the meter's clock run and takes every push it made, completing each as delivered.</summary>
    public List<PushMessage> Advance(TimeSpan time)
    {
        Time.Advance(time);
        SmartMeter.AdvanceTo();
        var taken = new List<PushMessage>();
        while (taken.Count < 10_000 && SmartMeter.TryTakePush(out var push))
        {
            taken.Add(push);
            SmartMeter.CompletePush(push.Sequence, delivered: true);
        }

        return taken;
    }

    public InboundFrame Frame(ReadOnlyMemory<byte> apdu, string source = "10.1.1.1") => new("test:" + source, source, apdu, DateTimeOffset.UtcNow);

    /// <summary>Waits (at most 10 s) for a condition.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (var round = 0; round < 1_000; round++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail("The condition did not hold within 10 s.");
    }

    public static byte[] Bytes(CipherKey key)
    {
        var bytes = new byte[CipherKey.Length];
        key.CopyTo(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is { } running)
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Pipeline.Dispose();
        Decoder.Dispose();
        _stop.Dispose();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    private static string FindProfile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "profiles", "is15959-single-phase.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("profiles/is15959-single-phase.json not found above " + AppContext.BaseDirectory);
    }
}
