namespace Meterline.HeadEnd.Provisioning;

/// <summary>The outcome of importing a provisioning file, one result per meter in file order.</summary>
public sealed record ProvisioningImportReport(IReadOnlyList<ProvisioningResult> Results)
{
    public int Added => Results.Count(r => r.Outcome == ProvisioningOutcome.Added);

    public int Skipped => Results.Count(r => r.Outcome == ProvisioningOutcome.Skipped);

    public int Refused => Results.Count(r => r.Outcome == ProvisioningOutcome.Refused);

    public override string ToString() => $"{Added} added, {Skipped} skipped, {Refused} refused";
}
