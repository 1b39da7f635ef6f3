namespace Meterline.HeadEnd.Billing;

/// <summary>One thing wrong with a tariff file: where (a JSON path such as <c>$.tariffs[0].versions[1].slabs[2].rate</c>) and what.</summary>
public sealed record TariffError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
