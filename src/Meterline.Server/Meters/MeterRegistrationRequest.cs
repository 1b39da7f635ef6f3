using Meterline.HeadEnd.Meters;
using System.Text.Json.Serialization;

namespace Meterline.Server.Meters;

/// <summary>
/// The body of <c>POST /api/meters</c>: what the registry stores of a new meter. Its keys are not given: the head-end
/// makes them (<c>MeterProvisioner.AddAsync</c>) and never returns them.
/// </summary>
/// <param name="Serial">1 to 32 letters, digits, '-' or '_'.</param>
/// <param name="SystemTitle">16 hex digits.</param>
/// <param name="Profile">The id of a profile the head-end has.</param>
/// <param name="Endpoint">How to reach it, e.g. dlms+tcp://10.0.0.5:4059?wport=1.</param>
/// <param name="Consumer">The consumer (account) it bills.</param>
/// <param name="Location">Where it stands.</param>
/// <param name="Transformer">The distribution transformer it hangs from.</param>
/// <param name="Feeder">The feeder of that transformer.</param>
/// <param name="SecurityLevel">AuthenticatedEncrypted (default) or AuthenticatedEncryptedSigned.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MeterRegistrationRequest(
    string? Serial,
    string? SystemTitle,
    string? Profile,
    string? Endpoint,
    string? Consumer,
    LocationBody? Location,
    string? Transformer,
    string? Feeder,
    SecurityLevel? SecurityLevel);
