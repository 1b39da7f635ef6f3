using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// One simulated meter as the head-end imports it: its serial number, system title, addresses, where it listens, its
/// profile and household, and its secrets (global unicast encryption key, authentication key, master key (KEK) and
/// the meter-reader LLS password, held as <see cref="MeterKeyMaterial.LlsSecret"/>), with the head-end public key it
/// trusts for signed commands, if any (<see cref="MeterKeyMaterial.HesPublicKey"/>). Prints no secret.
/// </summary>
/// <param name="Id">The serial number, e.g. MTL00000001 (1 to 32 letters, digits, - or _; also the state file name).</param>
/// <param name="SystemTitle">Manufacturer "MTL" and a five-byte serial.</param>
/// <param name="PhysicalAddress">The HDLC lower (physical) server address, from 16; the upper address is 1.</param>
/// <param name="WPort">The wrapper wPort the meter answers as: 1 on a port of its own, its number on a shared port.</param>
/// <param name="Host">The TCP host it listens on.</param>
/// <param name="Port">The TCP port it listens on.</param>
/// <param name="ProfileId">The meter profile (e.g. is15959-single-phase).</param>
/// <param name="HouseholdSeed">Seeds the household's simulated load.</param>
/// <param name="Keys">The meter's keys and LLS password, and the head-end public key it trusts.</param>
public sealed record ProvisionedMeter(
    string Id,
    SystemTitle SystemTitle,
    int PhysicalAddress,
    ushort WPort,
    string Host,
    int Port,
    string ProfileId,
    int HouseholdSeed,
    MeterKeyMaterial Keys)
{
    /// <summary>The meter-reader (client SAP 32) LLS password as text (printable ASCII).</summary>
    public string ReaderPassword => System.Text.Encoding.ASCII.GetString(Keys.LlsSecret.Span);

    /// <summary>The 64-bit IEEE address of the meter's Zigbee radio when it is reached over Zigbee, else null.</summary>
    public ulong? ZigbeeAddress { get; init; }

    /// <summary>The meter's MQTT password (its user name and client id are its system title): 192 random bits as base64url, made at provisioning.</summary>
    public string? MqttPassword { get; init; }

    /// <summary>
    /// Where the head-end reaches the meter when it is not DLMS/TCP at <see cref="Host"/>:<see cref="Port"/> nor a Zigbee
    /// radio: <c>mqtt://{systemTitle}</c> (through the broker) or <c>coap://host:port/m/{id}</c> (the fleet's CoAP
    /// server); null otherwise. See <see cref="MeterEndpoints"/>.
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary>Where it stands on the network (consumer, transformer, feeder, location), when the fleet has a topology.</summary>
    public MeterSite? Site { get; init; }

    public override string ToString() => $"{Id} {SystemTitle} {Host}:{Port} wPort {WPort} HDLC 1/{PhysicalAddress}";
}
