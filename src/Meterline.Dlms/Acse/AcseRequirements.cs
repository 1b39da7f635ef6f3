namespace Meterline.Dlms.Acse;

/// <summary>
/// ACSE-requirements ::= BIT STRING { authentication(0) } (Green Book ACSE ASN.1; ISO/IEC 8650-1 names further
/// bits that DLMS does not use). Flag value 1 &lt;&lt; n stands for named bit n.
/// </summary>
[Flags]
public enum AcseRequirements : uint
{
    None = 0,

    /// <summary>Bit 0: the authentication functional unit is selected.</summary>
    Authentication = 1,
}
