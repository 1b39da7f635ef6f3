namespace Meterline.Dlms.Acse;

/// <summary>
/// The xDLMS conformance block, Conformance ::= [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)) (Green Book xDLMS
/// ASN.1, "Conformance block"). BER bit 0 is the most significant bit of the first content octet after the
/// unused-bits octet, so named bit n has the value 1 &lt;&lt; (23 − n) here and the enum value equals the three
/// octets read as a big-endian number: <c>5F 1F 04 00 00 7E 1F</c> is 0x007E1F.
/// </summary>
[Flags]
public enum Conformance : uint
{
    None = 0,

    /// <summary>Bit 0, reserved-zero.</summary>
    ReservedZero = 1u << 23,

    /// <summary>Bit 1.</summary>
    GeneralProtection = 1u << 22,

    /// <summary>Bit 2.</summary>
    GeneralBlockTransfer = 1u << 21,

    /// <summary>Bit 3 (short name referencing).</summary>
    Read = 1u << 20,

    /// <summary>Bit 4 (short name referencing).</summary>
    Write = 1u << 19,

    /// <summary>Bit 5 (short name referencing).</summary>
    UnconfirmedWrite = 1u << 18,

    /// <summary>Bit 6 (reserved-six before Green Book edition 9).</summary>
    DeltaValueEncoding = 1u << 17,

    /// <summary>Bit 7, reserved-seven.</summary>
    ReservedSeven = 1u << 16,

    /// <summary>Bit 8.</summary>
    Attribute0SupportedWithSet = 1u << 15,

    /// <summary>Bit 9.</summary>
    PriorityMgmtSupported = 1u << 14,

    /// <summary>Bit 10.</summary>
    Attribute0SupportedWithGet = 1u << 13,

    /// <summary>Bit 11.</summary>
    BlockTransferWithGetOrRead = 1u << 12,

    /// <summary>Bit 12.</summary>
    BlockTransferWithSetOrWrite = 1u << 11,

    /// <summary>Bit 13.</summary>
    BlockTransferWithAction = 1u << 10,

    /// <summary>Bit 14.</summary>
    MultipleReferences = 1u << 9,

    /// <summary>Bit 15 (short name referencing).</summary>
    InformationReport = 1u << 8,

    /// <summary>Bit 16.</summary>
    DataNotification = 1u << 7,

    /// <summary>Bit 17.</summary>
    Access = 1u << 6,

    /// <summary>Bit 18 (short name referencing).</summary>
    ParameterizedAccess = 1u << 5,

    /// <summary>Bit 19.</summary>
    Get = 1u << 4,

    /// <summary>Bit 20.</summary>
    Set = 1u << 3,

    /// <summary>Bit 21.</summary>
    SelectiveAccess = 1u << 2,

    /// <summary>Bit 22.</summary>
    EventNotification = 1u << 1,

    /// <summary>Bit 23.</summary>
    Action = 1u << 0,
}
