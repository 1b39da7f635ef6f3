using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>Meters' secrets in memory; counts how often they were asked for.</summary>
internal sealed class TestKeyring : IMeterKeyring
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(MeterId, int), (byte[] Encryption, byte[] Authentication, byte[] Master)> _keys = [];

    public int Requests { get; private set; }

    public void Add(MeterId meter, int generation, byte[] encryption, byte[] authentication, byte[] master)
    {
        lock (_lock)
        {
            _keys[(meter, generation)] = (encryption, authentication, master);
        }
    }

    public Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Requests++;
            return Task.FromResult(_keys.TryGetValue((meter, generation), out var k) ? new MeterSecrets(meter, generation, k.Encryption, k.Authentication, k.Master, []) : null);
        }
    }
}
