using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Authenticated decryption and mapping of a push that passed the ingress guard: verifies the tag with the meter's
/// keys (nothing is parsed before it verifies), then maps the notification to domain records. Implemented by the
/// protocol adapter. Never throws for bad input: a bad tag or an unparsable body is a refusal. Thread-safe.
/// </summary>
public interface IPushDecoder
{
    ValueTask<PushDecodeResult> DecodeAsync(InboundFrame frame, SecuredApduHeader header, Meter meter, CancellationToken cancellationToken = default);
}
