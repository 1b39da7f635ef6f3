namespace Meterline.HeadEnd.Provisioning;

/// <summary>A validated provisioning file (see <see cref="ProvisioningFileReader"/>); Dispose zeroes every meter's keys.</summary>
public sealed class ProvisioningFile : IDisposable
{
    internal ProvisioningFile(IReadOnlyList<ProvisioningFileEntry> meters) => Meters = meters;

    public IReadOnlyList<ProvisioningFileEntry> Meters { get; }

    public void Dispose()
    {
        foreach (var meter in Meters)
        {
            meter.Keys.Dispose();
        }
    }

    public override string ToString() => $"provisioning file of {Meters.Count} meters";
}
