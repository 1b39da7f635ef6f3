namespace Meterline.Simulator.Theft;

/// <summary>
/// What really happened in a run, kept apart from the provisioning file the head-end imports
/// (<see cref="TheftTruthFile"/>): the run's span, the seeds, and every injected theft.
/// </summary>
/// <param name="Start">The run's simulated start.</param>
/// <param name="End">The run's simulated end.</param>
/// <param name="Seed">The fleet seed (households, topology).</param>
/// <param name="TheftSeed">The seed the thieves were drawn with.</param>
/// <param name="ConsumerMeters">How many consumer meters could steal (the denominator of the false-positive rate).</param>
/// <param name="Thefts">The thefts.</param>
public sealed record TheftTruth(DateTimeOffset Start, DateTimeOffset End, int Seed, int TheftSeed, int ConsumerMeters, IReadOnlyList<TheftCase> Thefts);
