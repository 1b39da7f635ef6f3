namespace Meterline.HeadEnd.Prepaid;

/// <summary>The decided state of an account's warning and supply, stored together.</summary>
public sealed record SupplyChange(bool LowBalance, PrepaidSupply Supply, DateTimeOffset? DisconnectDueAt, long Episode);
