namespace Meterline.HeadEnd.Prepaid;

/// <summary>What a ledger entry records: money paid in, consumption priced and taken (or given back), or an operator's correction.</summary>
public enum LedgerEntryKind
{
    TopUp = 0,
    Deduction = 1,
    Adjustment = 2,
}
