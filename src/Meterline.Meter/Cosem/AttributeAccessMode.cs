namespace Meterline.Meter.Cosem;

/// <summary>access_mode of attribute_access_item in Association LN versions 1 and 2 (Blue Book 4.4.3, object_list).</summary>
public enum AttributeAccessMode : byte
{
    NoAccess = 0,
    ReadOnly = 1,
    WriteOnly = 2,
    ReadAndWrite = 3,
    AuthenticatedReadOnly = 4,
    AuthenticatedWriteOnly = 5,
    AuthenticatedReadAndWrite = 6,
}
