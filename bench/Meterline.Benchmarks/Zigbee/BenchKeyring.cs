using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.Simulator.Provisioning;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>The fleet's keys from its provisioning, in memory, as the head-end's keyring hands them out (generation 1).</summary>
internal sealed class BenchKeyring(IReadOnlyList<ProvisionedMeter> meters) : IMeterKeyring
{
    public Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        if (generation != 1 || meter.Value < 1 || meter.Value > meters.Count)
        {
            return Task.FromResult<MeterSecrets?>(null);
        }

        var keys = meters[meter.Value - 1].Keys;
        return Task.FromResult<MeterSecrets?>(new MeterSecrets(meter, generation, keys.GlobalUnicastEncryptionKey.Span, keys.AuthenticationKey.Span, keys.MasterKey.Span, keys.LlsSecret.Span));
    }
}
