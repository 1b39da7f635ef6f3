using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

internal static class TestMeterSetup
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static MeterSystemTitle Title(int n) => new(0x4D544C0000000000UL + (ulong)n);

    public static async Task<Meter> AddAsync(InMemoryMeterRepository repository, int n, SecurityLevel level = SecurityLevel.AuthenticatedEncrypted) =>
        await repository.AddAsync(new MeterRegistration($"MTL{n:D8}", Title(n), "is15959-single-phase", SecurityLevel: level, Endpoint: new MeterEndpoint($"dlms+tcp://10.0.0.{n}:4059")));

    /// <summary>Waits (at most 10 s of real time) for a condition, advancing the fake clock a step each round if given.</summary>
    public static async Task UntilAsync(Func<bool> condition, FakeTimeProvider? time = null, TimeSpan? step = null)
    {
        for (var round = 0; round < 2_000; round++)
        {
            if (condition())
            {
                return;
            }

            time?.Advance(step ?? TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }

        Assert.Fail("The condition did not hold within 10 s.");
    }
}
