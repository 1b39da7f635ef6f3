namespace Meterline.Cli.Detection;

/// <summary>A finished detection run: the score, what it took, and where its files are.</summary>
/// <param name="Result">The score.</param>
/// <param name="Transformers">Transformers (and so transformer meters) in the fleet.</param>
/// <param name="ReadingsStored">Readings the head-end stored.</param>
/// <param name="PushesDropped">Pushes the meters dropped with a full queue (data the head-end never saw).</param>
/// <param name="Elapsed">Real time of the whole run.</param>
/// <param name="WindowReads">The cost of one re-read of every consumer meter's live analytics window at the end.</param>
/// <param name="TruthPath">The truth file.</param>
/// <param name="Consumers">The consumer meters as registered, by serial.</param>
/// <param name="Balances">Each transformer's balance over the run.</param>
internal sealed record DetectionOutcome(
    DetectionResult Result,
    int Transformers,
    long ReadingsStored,
    long PushesDropped,
    TimeSpan Elapsed,
    WindowReadCost WindowReads,
    string TruthPath,
    IReadOnlyDictionary<string, Meterline.HeadEnd.Meters.MeterId> Consumers,
    IReadOnlyList<Meterline.HeadEnd.Analytics.Balance.EnergyBalance> Balances);
