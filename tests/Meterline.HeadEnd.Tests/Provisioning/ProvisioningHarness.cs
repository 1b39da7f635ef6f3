using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Testing;
using Meterline.HeadEnd.Tests.Keys;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Provisioning;

/// <summary>A provisioner over in-memory stores and a file key provider in a private directory.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProvisioningHarness : IDisposable
{
    private ProvisioningHarness(AuditLog log, InMemoryAuditStore audit)
    {
        AuditLog = log;
        Audit = audit;
        Provider = Directory.OpenProvider();
        Provisioner = new MeterProvisioner(Meters, Keys, Provider, log);
        Keyring = new MeterKeyring(Keys, Provider);
    }

    public TempDirectory Directory { get; } = new();

    public InMemoryMeterRepository Meters { get; } = new();

    public InMemoryMeterKeyStore Keys { get; } = new();

    public InMemoryAuditStore Audit { get; }

    public AuditLog AuditLog { get; }

    public FileKeyProvider Provider { get; }

    public MeterProvisioner Provisioner { get; }

    public MeterKeyring Keyring { get; }

    public static async Task<ProvisioningHarness> CreateAsync()
    {
        var audit = new InMemoryAuditStore();
        var log = await AuditLog.OpenAsync(audit, new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        return new ProvisioningHarness(log, audit);
    }

    public static MeterRegistration Registration(int n) =>
        new($"MTL{n:D8}", new MeterSystemTitle(0x4D544C0000000000UL | (uint)n), "is15959-single-phase", Endpoint: new MeterEndpoint($"dlms+tcp://127.0.0.1:4059?wport={15 + n}"));

    public static MeterKeySet Keys3(string encryption, string authentication, string master, string password = "Pw-7sK!q") =>
        new(Convert.FromHexString(encryption), Convert.FromHexString(authentication), Convert.FromHexString(master), System.Text.Encoding.ASCII.GetBytes(password));

    public async Task<IReadOnlyList<AuditRecord>> AuditEntriesAsync() => (await Audit.GetRecentAsync(null, 1000)).Reverse().ToList();

    public void Dispose()
    {
        Provisioner.Dispose();
        AuditLog.Dispose();
        Provider.Dispose();
        Directory.Dispose();
    }
}
