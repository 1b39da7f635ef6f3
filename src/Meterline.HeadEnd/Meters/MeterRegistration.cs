namespace Meterline.HeadEnd.Meters;

/// <summary>What is known of a meter when it is added to the registry (its keys are stored separately).</summary>
public sealed record MeterRegistration(
    string Serial,
    MeterSystemTitle SystemTitle,
    string ProfileId,
    string? ConsumerId = null,
    GeoLocation? Location = null,
    string? TransformerId = null,
    string? FeederId = null,
    MeterEndpoint? Endpoint = null,
    SecurityLevel SecurityLevel = SecurityLevel.AuthenticatedEncrypted);
