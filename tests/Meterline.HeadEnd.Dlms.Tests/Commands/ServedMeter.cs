using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Dlms.Links;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Meters;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// A real <see cref="SmartMeter"/> of the shipped profile on a fake clock, served over loopback TCP by the real
/// <see cref="DlmsServer"/> (wrapper framing, logical device wPort 1), as the simulator's fleet host serves meters,
/// with the head-end's registry entry and keys for it.
/// </summary>
internal sealed class ServedMeter : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(5.5));
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly Lazy<MeterProfile> SharedProfile = new(() => MeterProfile.Load(FindProfile()));

    private readonly CancellationTokenSource _stop = new();
    private readonly TcpListener _listener;
    private readonly Task _serving;
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "meterline-hes-" + Guid.NewGuid().ToString("N"));

    /// <param name="hesPublicKey">The head-end public key the meter trusts (0x04 ‖ X ‖ Y), so that it demands signed commands; empty: none.</param>
    public ServedMeter(ReadOnlyMemory<byte> hesPublicKey = default)
    {
        Directory.CreateDirectory(_stateDirectory);
        Encryption = RandomNumberGenerator.GetBytes(16);
        Authentication = RandomNumberGenerator.GetBytes(16);
        Master = RandomNumberGenerator.GetBytes(16);
        SmartMeter = new SmartMeter(new SmartMeterOptions
        {
            Profile = Profile,
            Identity = new MeterIdentity { Serial = "MTL0001", SystemTitle = SystemTitle.Parse("4D544C0000000001") },
            InitialKeys = new MeterKeyMaterial(Encryption, default, Authentication, Master, "reader-secret"u8.ToArray(), hesPublicKey),
            Household = HouseholdProfile.Typical(7),
            GridSeed = 7,
            StateStore = new FileMeterStateStore(_stateDirectory, flushToDisk: false),
            TimeProvider = Time,
        });
        _listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _serving = new DlmsServer(SmartMeter.CreateAssociation).ServeTcpAsync(_listener, 1, cancellationToken: _stop.Token);
        Keyring.Add(new MeterId(1), 1, Encryption, Authentication, Master);
    }

    public static MeterProfile Profile => SharedProfile.Value;

    public static SystemTitle HeadEndTitle { get; } = SystemTitle.Parse("4845530000000001");

    public FakeTimeProvider Time { get; } = new(Start);

    public SmartMeter SmartMeter { get; }

    public int Port { get; }

    public byte[] Encryption { get; }

    public byte[] Authentication { get; }

    public byte[] Master { get; }

    public TestKeyring Keyring { get; } = new();

    /// <summary>
    /// The head-end's registry entry for this meter (id 1, generation 1, security level <paramref name="level"/>), reached
    /// at <paramref name="port"/> (default: the meter's).
    /// </summary>
    public Meterline.HeadEnd.Meters.Meter Entry(int? port = null, int generation = 1, SecurityLevel level = SecurityLevel.AuthenticatedEncrypted) => new(
        new MeterId(1), "MTL0001", MeterSystemTitle.Parse("4D544C0000000001"), Profile.Id, null, null, null, null,
        new MeterEndpoint($"dlms+tcp://127.0.0.1:{port ?? Port}?wport=1"), level, RelayState.Unknown,
        CommunicationStatus.Unknown, null, KeyStatus.Active, generation);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.WaitAsync(Timeout);
        _listener.Dispose();
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

        throw new FileNotFoundException("profiles/is15959-single-phase.json not found above the test directory");
    }
}
