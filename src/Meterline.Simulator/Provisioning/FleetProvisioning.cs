using System.Security.Cryptography;
using Meterline.Meter.Security;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// The fleet's provisioning: what the head-end imports to reach, authenticate and decrypt every meter (format in
/// docs/simulator.md; read and written by <see cref="FleetProvisioningFile"/>). Keys come from
/// <see cref="RandomNumberGenerator"/> and are distinct across the fleet; re-provisioning over an existing file keeps
/// each meter's keys, system title and household, so a restarted simulator is the same fleet.
/// </summary>
public sealed class FleetProvisioning
{
    /// <summary>The current format version.</summary>
    public const int FormatVersion = 1;

    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public FleetProvisioning(IReadOnlyList<ProvisionedMeter> meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meters = meters;
    }

    public IReadOnlyList<ProvisionedMeter> Meters { get; }

    /// <summary>
    /// Provisions <paramref name="layout"/>: meter i gets the identity and addresses of <see cref="FleetAddressing"/>;
    /// its keys, system title and household seed come from <paramref name="existing"/> when that holds its id, and are
    /// new otherwise. A new meter is given <paramref name="hesPublicKey"/> (the head-end's public key, 0x04 ‖ X ‖ Y),
    /// when set, as the trust anchor of signed commands; a kept meter keeps the anchor it has. Meters of
    /// <paramref name="existing"/> beyond the layout's count are left out.
    /// </summary>
    public static FleetProvisioning Create(FleetLayout layout, FleetProvisioning? existing = null, ReadOnlyMemory<byte> hesPublicKey = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.Validate();
        var previous = existing?.Meters.ToDictionary(m => m.Id, StringComparer.Ordinal) ?? [];
        var usedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var meter in previous.Values)
        {
            AddKeys(usedKeys, meter.Keys);
        }

        var meters = new ProvisionedMeter[layout.Meters];
        for (var i = 0; i < meters.Length; i++)
        {
            var id = FleetAddressing.IdOf(i);
            var physical = FleetAddressing.PhysicalAddressOf(i);
            var wPort = layout.PortPerMeter ? (ushort)FleetAddressing.LogicalDevice : (ushort)physical;
            var port = layout.PortPerMeter ? layout.Port + i : layout.Port;
            meters[i] = previous.TryGetValue(id, out var kept)
                ? kept with { PhysicalAddress = physical, WPort = wPort, Host = layout.Host, Port = port, ProfileId = layout.ProfileId, MqttPassword = kept.MqttPassword ?? NewMqttPassword() }
                : new ProvisionedMeter(
                    id,
                    FleetAddressing.SystemTitleOf(i),
                    physical,
                    wPort,
                    layout.Host,
                    port,
                    layout.ProfileId,
                    FleetAddressing.HouseholdSeedOf(layout.Seed, i),
                    NewKeys(usedKeys) with { HesPublicKey = hesPublicKey.ToArray() }) { MqttPassword = NewMqttPassword() };
        }

        return new FleetProvisioning(meters);
    }

    /// <summary>A meter's MQTT password: 24 bytes from the CSPRNG as 32 base64url characters.</summary>
    internal static string NewMqttPassword()
    {
        Span<byte> secret = stackalloc byte[24];
        System.Security.Cryptography.RandomNumberGenerator.Fill(secret);
        var text = System.Buffers.Text.Base64Url.EncodeToString(secret);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        return text;
    }

    private static MeterKeyMaterial NewKeys(HashSet<string> used)
    {
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, RandomNumberGenerator.GetInt32(8, 17));
        return new MeterKeyMaterial(NewKey(used), default, NewKey(used), NewKey(used), System.Text.Encoding.ASCII.GetBytes(password));
    }

    private static byte[] NewKey(HashSet<string> used)
    {
        while (true)
        {
            var key = RandomNumberGenerator.GetBytes(16);
            if (used.Add(Convert.ToHexString(key)))
            {
                return key;
            }
        }
    }

    internal static void AddKeys(HashSet<string> used, MeterKeyMaterial keys)
    {
        used.Add(Convert.ToHexString(keys.GlobalUnicastEncryptionKey.Span));
        used.Add(Convert.ToHexString(keys.AuthenticationKey.Span));
        used.Add(Convert.ToHexString(keys.MasterKey.Span));
    }
}
