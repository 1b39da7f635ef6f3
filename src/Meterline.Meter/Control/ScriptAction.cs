using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// action_item (Blue Book 4.5.9, class 71 actions; also used by class 20 day profiles): structure
/// {script_logical_name octet-string, script_selector long-unsigned}.
/// </summary>
public readonly record struct ScriptAction(ObisCode ScriptLogicalName, ushort ScriptSelector)
{
    /// <summary>The disconnect control script table, 0.0.10.0.106.255 (Blue Book / IEC 62056-6-1).</summary>
    public static ObisCode DisconnectControlScriptTable { get; } = new(0, 0, 10, 0, 106, 255);

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.OctetString(ScriptLogicalName.ToArray()),
        new CosemData.LongUnsigned(ScriptSelector));

    /// <summary>Reads an action_item; false when the shape is wrong.</summary>
    public static bool TryFromData(CosemData data, out ScriptAction value)
    {
        value = default;
        if (data is not CosemData.Structure { Items: [CosemData.OctetString { Value.Length: ObisCode.EncodedLength } name, CosemData.LongUnsigned selector] })
        {
            return false;
        }

        value = new ScriptAction(ObisCode.Decode(name.Value.Span, out _), selector.Value);
        return true;
    }
}
