namespace Meterline.HeadEnd.Ingest;

/// <summary>A decoded push, or why the frame is refused (with a non-secret detail for the audit entry).</summary>
public readonly record struct PushDecodeResult(DecodedPush? Push, IngestRejectReason Reason, string? Detail)
{
    public static PushDecodeResult Decoded(DecodedPush push) => new(push ?? throw new ArgumentNullException(nameof(push)), default, null);

    public static PushDecodeResult Refused(IngestRejectReason reason, string? detail = null) => new(null, reason, detail);
}
