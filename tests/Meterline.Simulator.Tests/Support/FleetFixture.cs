using System.Diagnostics.CodeAnalysis;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.State;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Simulator.Tests.Support;

/// <summary>Real meters of the shipped profile, provisioned as the simulator provisions them, on a fake clock.</summary>
internal sealed class FleetFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public FleetFixture(int meters)
    {
        Provisioning = FleetProvisioning.Create(new FleetLayout { Meters = meters, ProfileId = Profile.Id });
        var store = new FileMeterStateStore(StateDirectory, flushToDisk: false);
        Meters = Provisioning.Meters.Select((p, i) => new SimulatedMeter(FleetSimulator.CreateMeter(p, Profile, 1, store, Time), i)).ToArray();
    }

    public static string ProfilePath { get; } = Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json");

    public static MeterProfile Profile { get; } = MeterProfile.Load(ProfilePath);

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("meterline-sim-").FullName;

    public FakeTimeProvider Time { get; } = new(Start);

    public FleetProvisioning Provisioning { get; }

    public SimulatedMeter[] Meters { get; }

    /// <summary>A resolver of the provisioned keys, as a head-end builds it from the provisioning file.</summary>
    public ISenderKeyResolverWithDispose Keys() => new ProvisionedKeys(Provisioning);

    public void Dispose() => Directory.Delete(StateDirectory, recursive: true);

    public interface ISenderKeyResolverWithDispose : Dlms.Links.ISenderKeyResolver, IDisposable;

    private sealed class ProvisionedKeys(FleetProvisioning provisioning) : ISenderKeyResolverWithDispose
    {
        private readonly Dictionary<SystemTitle, AesGcmCipher> _ciphers = provisioning.Meters.ToDictionary(
            m => m.SystemTitle,
            m => new AesGcmCipher(CipherKey.FromBytes(m.Keys.GlobalUnicastEncryptionKey.Span), CipherKey.FromBytes(m.Keys.AuthenticationKey.Span)));

        public bool TryGetCipher(SystemTitle sender, [NotNullWhen(true)] out AesGcmCipher? cipher) => _ciphers.TryGetValue(sender, out cipher);

        public void Dispose()
        {
            foreach (var cipher in _ciphers.Values)
            {
                cipher.Dispose();
            }
        }
    }
}
