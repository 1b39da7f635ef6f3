namespace Meterline.Dlms.Acse;

/// <summary>The class bits (8 and 7) of a BER identifier octet (ITU-T X.690 §8.1.2.2, Table 1).</summary>
public enum BerTagClass : byte
{
    Universal = 0,
    Application = 1,
    ContextSpecific = 2,
    Private = 3,
}
