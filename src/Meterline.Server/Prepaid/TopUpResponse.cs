namespace Meterline.Server.Prepaid;

/// <summary>A top-up's ledger entry and the account after it (after any cancellation or reconnect it caused); <see cref="Repeated"/> when the key was seen before.</summary>
public sealed record TopUpResponse(LedgerEntryResponse Entry, PrepaidAccountResponse Account, bool Repeated);
