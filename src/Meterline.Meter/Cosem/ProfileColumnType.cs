namespace Meterline.Meter.Cosem;

/// <summary>
/// How a Profile generic column is stored (one <see cref="long"/> per cell) and encoded when the buffer is read
/// (Blue Book 4.3.6: a buffer entry holds the captured attribute values with their own types).
/// </summary>
public enum ProfileColumnType : byte
{
    /// <summary>octet-string(12) date-time; the cell holds the UTC ticks of meter time, or
    /// <see cref="ProfileGenericObject.UnspecifiedDateTime"/> for a date-time whose every field is "not specified".</summary>
    DateTime,

    /// <summary>double-long-unsigned (Unsigned32).</summary>
    DoubleLongUnsigned,

    /// <summary>double-long (Integer32).</summary>
    DoubleLong,

    /// <summary>long-unsigned (Unsigned16).</summary>
    LongUnsigned,

    /// <summary>long (Integer16).</summary>
    Long,

    /// <summary>unsigned (Unsigned8).</summary>
    Unsigned,

    /// <summary>integer (Integer8).</summary>
    Integer,

    /// <summary>long64-unsigned (Unsigned64); the cell holds the bits of the value.</summary>
    Long64Unsigned,

    /// <summary>long64 (Integer64).</summary>
    Long64,

    /// <summary>enum (0–255).</summary>
    Enum,

    /// <summary>boolean (cell 0 or 1).</summary>
    Boolean,
}
