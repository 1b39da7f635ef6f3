using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>The head-end's keyring for tests: plain keys per (meter, generation) in memory, handed out as <see cref="MeterSecrets"/>.</summary>
internal sealed class TestKeyring : IMeterKeyring
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(MeterId, int), (byte[] Encryption, byte[] Authentication, byte[] Master)> _keys = [];

    public void Add(MeterId meter, int generation, ReadOnlySpan<byte> encryption, ReadOnlySpan<byte> authentication, ReadOnlySpan<byte> master)
    {
        lock (_lock)
        {
            _keys[(meter, generation)] = (encryption.ToArray(), authentication.ToArray(), master.ToArray());
        }
    }

    public Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_keys.TryGetValue((meter, generation), out var k)
                ? new MeterSecrets(meter, generation, k.Encryption, k.Authentication, k.Master, "reader-secret"u8)
                : null);
        }
    }
}
