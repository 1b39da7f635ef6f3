using Meterline.HeadEnd.Prepaid;

namespace Meterline.Web.Portal;

/// <summary>A consumer's prepaid account and its newest ledger entries, newest first.</summary>
public sealed record PrepaidView(PrepaidAccount Account, IReadOnlyList<LedgerEntry> Ledger);
