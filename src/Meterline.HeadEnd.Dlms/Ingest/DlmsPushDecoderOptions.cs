namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>Settings of the <see cref="DlmsPushDecoder"/>.</summary>
public sealed record DlmsPushDecoderOptions
{
    /// <summary>Ciphers kept (one per meter and key generation), least recently used evicted.</summary>
    public int MaxCachedCiphers { get; init; } = 10_000;

    /// <summary>
    /// Read a profile's usage pushes straight from their bytes (<see cref="PushBodyMapper.Direct"/>) rather than through a
    /// generic data tree; what the direct reader declines is mapped the generic way either way. Off only to compare the two.
    /// </summary>
    public bool DirectUsagePath { get; init; } = true;

    /// <summary>The push layout of each profile id; the IS 15959 single-phase profile's by default.</summary>
    public IReadOnlyDictionary<string, PushLayout> Layouts { get; init; } = new Dictionary<string, PushLayout>(StringComparer.Ordinal)
    {
        ["is15959-single-phase"] = PushLayout.Is15959SinglePhase,
    };
}
