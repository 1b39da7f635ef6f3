namespace Meterline.HeadEnd.Meters;

/// <summary>A meter in the registry.</summary>
/// <param name="Id">The head-end's number for it.</param>
/// <param name="Serial">The manufacturer's serial number (unique), e.g. MTL00000001.</param>
/// <param name="SystemTitle">The DLMS system title (unique).</param>
/// <param name="ProfileId">The meter profile, e.g. is15959-single-phase.</param>
/// <param name="ConsumerId">The consumer (account) it bills, if any.</param>
/// <param name="Location">Where it stands, if known.</param>
/// <param name="TransformerId">The distribution transformer it hangs from, if known.</param>
/// <param name="FeederId">The feeder of that transformer, if known.</param>
/// <param name="Endpoint">How to reach it (see <see cref="MeterEndpoint"/>), if it can be called.</param>
/// <param name="SecurityLevel">The protection required of its pushes and used for its commands.</param>
/// <param name="RelayState">The relay as last read back.</param>
/// <param name="Communication">Whether it is heard from.</param>
/// <param name="LastHeardAt">When the head-end last accepted a frame from it.</param>
/// <param name="KeyStatus">The state of its keys.</param>
/// <param name="KeyGeneration">Incremented at every key change; wrapped keys are stored per generation.</param>
public sealed record Meter(
    MeterId Id,
    string Serial,
    MeterSystemTitle SystemTitle,
    string ProfileId,
    string? ConsumerId,
    GeoLocation? Location,
    string? TransformerId,
    string? FeederId,
    MeterEndpoint? Endpoint,
    SecurityLevel SecurityLevel,
    RelayState RelayState,
    CommunicationStatus Communication,
    DateTimeOffset? LastHeardAt,
    KeyStatus KeyStatus,
    int KeyGeneration);
