namespace Meterline.HeadEnd.Provisioning;

/// <summary>What happened to one meter of a provisioning request or import.</summary>
public enum ProvisioningOutcome
{
    /// <summary>Registered and its keys stored.</summary>
    Added = 0,

    /// <summary>Already registered with the same system title and keys: nothing changed.</summary>
    Skipped = 1,

    /// <summary>Refused, nothing changed (see the reason).</summary>
    Refused = 2,
}
