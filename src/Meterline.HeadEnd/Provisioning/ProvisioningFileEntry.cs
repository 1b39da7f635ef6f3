using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>One meter of a provisioning file: its registration (endpoint <c>dlms+tcp://host:port?wport=N</c>) and keys.</summary>
/// <param name="Index">Its position in the file, from 0.</param>
/// <param name="Registration">What the registry stores.</param>
/// <param name="Keys">Its secrets; disposed with the file.</param>
/// <param name="HesPublicKey">The head-end public key the meter trusts for signed commands (0x04 ‖ X ‖ Y), or empty.</param>
/// <param name="TransformerMeter">The transformer whose total this meter measures (<c>transformerMeter</c>), or null.</param>
public sealed record ProvisioningFileEntry(int Index, MeterRegistration Registration, MeterKeySet Keys, ReadOnlyMemory<byte> HesPublicKey = default, string? TransformerMeter = null);
