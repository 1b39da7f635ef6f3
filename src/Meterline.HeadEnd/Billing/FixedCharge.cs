namespace Meterline.HeadEnd.Billing;

/// <summary>The fixed charge of a month: <see cref="Monthly"/> plus <see cref="PerSanctionedKw"/> × the consumer's sanctioned load in kW.</summary>
public sealed record FixedCharge(decimal Monthly, decimal PerSanctionedKw)
{
    public static readonly FixedCharge None = new(0m, 0m);
}
