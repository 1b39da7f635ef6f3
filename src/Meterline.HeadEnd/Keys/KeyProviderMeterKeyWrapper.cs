using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Wraps meters' new secrets with the head-end's <see cref="IKeyProvider"/> (the same wrapping and fingerprint the
/// provisioner stores), for key rotation. The plain secret is not kept.
/// </summary>
public sealed class KeyProviderMeterKeyWrapper(IKeyProvider provider) : IMeterKeyWrapper
{
    private readonly IKeyProvider _provider = provider ?? throw new ArgumentNullException(nameof(provider));

    public Task<StoredMeterKey> WrapAsync(MeterId meter, MeterKeyKind kind, int generation, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var binding = new KeyBinding(meter, kind, generation);
        return Task.FromResult(new StoredMeterKey(meter, kind, generation, _provider.Wrap(binding, secret.Span), _provider.Fingerprint(secret.Span)));
    }
}
