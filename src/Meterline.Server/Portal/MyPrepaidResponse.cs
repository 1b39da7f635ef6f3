using Meterline.Server.Prepaid;

namespace Meterline.Server.Portal;

/// <summary>The consumer's prepaid account and its newest ledger entries, newest first.</summary>
public sealed record MyPrepaidResponse(PrepaidAccountResponse Account, IReadOnlyList<LedgerEntryResponse> Ledger);
