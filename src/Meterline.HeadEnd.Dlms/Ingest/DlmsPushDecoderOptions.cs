namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>Settings of the <see cref="DlmsPushDecoder"/>.</summary>
public sealed record DlmsPushDecoderOptions
{
    /// <summary>Ciphers kept (one per meter and key generation), least recently used evicted.</summary>
    public int MaxCachedCiphers { get; init; } = 10_000;

    /// <summary>The push layout of each profile id; the IS 15959 single-phase profile's by default.</summary>
    public IReadOnlyDictionary<string, PushLayout> Layouts { get; init; } = new Dictionary<string, PushLayout>(StringComparer.Ordinal)
    {
        ["is15959-single-phase"] = PushLayout.Is15959SinglePhase,
    };
}
