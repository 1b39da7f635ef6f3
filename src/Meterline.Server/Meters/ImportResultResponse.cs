using Meterline.HeadEnd.Provisioning;

namespace Meterline.Server.Meters;

/// <summary>What happened to one meter of an import (the reason names the meter and field, never a key).</summary>
public sealed record ImportResultResponse(string Serial, ProvisioningOutcome Outcome, int? Meter, string Reason)
{
    public static ImportResultResponse From(ProvisioningResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ImportResultResponse(result.Serial, result.Outcome, result.Meter?.Value, result.Reason);
    }
}
