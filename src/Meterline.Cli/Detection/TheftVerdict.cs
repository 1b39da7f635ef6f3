using Meterline.Simulator.Theft;

namespace Meterline.Cli.Detection;

/// <summary>How one injected theft was (or was not) found.</summary>
/// <param name="Theft">The truth.</param>
/// <param name="FirstAlert">The rule of the earliest matching alert, or null.</param>
/// <param name="AlertDelay">From the theft's start to the first data of that alert (never negative), or null.</param>
/// <param name="BalanceRank">Its rank under its transformer when the balance counts it, or null.</param>
internal sealed record TheftVerdict(TheftCase Theft, string? FirstAlert, TimeSpan? AlertDelay, int? BalanceRank)
{
    public bool Detected => FirstAlert is not null || BalanceRank is not null;
}
