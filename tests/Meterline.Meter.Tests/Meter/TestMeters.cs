using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.Metrology;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Meter;

/// <summary>Builds meters of the shipped profile on a fake clock, with their state in a temporary directory.</summary>
internal sealed class TestMeters : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(5.5));

    public TestMeters()
    {
        Directory.CreateDirectory(StateDirectory);
        EncryptionKey = CipherKey.Generate();
        AuthenticationKey = CipherKey.Generate();
        MasterKey = CipherKey.Generate();
        Keys = new MeterKeyMaterial(Bytes(EncryptionKey), default, Bytes(AuthenticationKey), Bytes(MasterKey), "reader-secret"u8.ToArray());
    }

    public static MeterProfile Profile { get; } = MeterProfile.Load(Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json"));

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "meterline-meter-" + Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(Start);

    public MeterKeyMaterial Keys { get; }

    public CipherKey EncryptionKey { get; }

    public CipherKey AuthenticationKey { get; }

    public CipherKey MasterKey { get; }

    public static byte[] Bytes(CipherKey key)
    {
        var bytes = new byte[CipherKey.Length];
        key.CopyTo(bytes);
        return bytes;
    }

    public SmartMeter Create(string serial = "MTL0001", int seed = 7, Func<SmartMeterOptions, SmartMeterOptions>? configure = null)
    {
        var options = new SmartMeterOptions
        {
            Profile = Profile,
            Identity = new MeterIdentity { Serial = serial, SystemTitle = SystemTitle.Parse("4D544C0000000001") },
            InitialKeys = Keys,
            Household = HouseholdProfile.Typical(seed),
            GridSeed = seed,
            StateStore = new FileMeterStateStore(StateDirectory, flushToDisk: false),
            TimeProvider = Time,
        };
        return new SmartMeter(configure?.Invoke(options) ?? options);
    }

    public void Dispose() => Directory.Delete(StateDirectory, recursive: true);
}
