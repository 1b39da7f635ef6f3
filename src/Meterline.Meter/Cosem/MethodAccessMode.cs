namespace Meterline.Meter.Cosem;

/// <summary>access_mode of method_access_item in Association LN versions 1 and 2 (Blue Book 4.4.3, object_list).</summary>
public enum MethodAccessMode : byte
{
    NoAccess = 0,
    Access = 1,
    AuthenticatedAccess = 2,
}
