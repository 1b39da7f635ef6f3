using Meterline.HeadEnd.Analytics.Balance;

namespace Meterline.Web.Balance;

/// <summary>A transformer's line on the energy balance page: its balance, or why there is none.</summary>
public sealed record BalanceRow(string Transformer, EnergyBalance? Balance, string? Note);
