namespace Meterline.Dlms.Acse;

/// <summary>
/// protocol-version ::= BIT STRING { version1(0) } DEFAULT { version1 } (Green Book ACSE ASN.1). Flag value
/// 1 &lt;&lt; n stands for named bit n.
/// </summary>
[Flags]
public enum AcseProtocolVersion : uint
{
    None = 0,

    /// <summary>Bit 0: ACSE protocol version 1, the only version.</summary>
    Version1 = 1,
}
