namespace Meterline.Server.Prepaid;

/// <summary>An approved or rejected adjustment request, and once applied its ledger entry and the account after it.</summary>
public sealed record AdjustmentDecisionResponse(AdjustmentRequestResponse Request, LedgerEntryResponse? Entry, PrepaidAccountResponse? Account);
