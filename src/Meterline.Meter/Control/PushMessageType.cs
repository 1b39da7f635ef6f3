namespace Meterline.Meter.Control;

/// <summary>
/// message of send_destination_and_method ("Push setup", Blue Book 4.4.8, class 40). Values 128–255 are
/// manufacturer specific and accepted as such.
/// </summary>
public enum PushMessageType : byte
{
    /// <summary>(0) A-XDR encoded xDLMS APDU.</summary>
    AxdrApdu = 0,

    /// <summary>(1) XML encoded xDLMS APDU.</summary>
    XmlApdu = 1,
}
