namespace Meterline.Dlms.Apdus;

/// <summary>
/// The first byte of each APDU, from the XDLMS-APDU CHOICE of the Green Book (ed. 8 §9.5: [192] get-request … [216]
/// exception-response, and [15] data-notification).
/// </summary>
public static class ApduTag
{
    public const byte DataNotification = 0x0F;
    public const byte GetRequest = 0xC0;
    public const byte SetRequest = 0xC1;
    public const byte EventNotificationRequest = 0xC2;
    public const byte ActionRequest = 0xC3;
    public const byte GetResponse = 0xC4;
    public const byte SetResponse = 0xC5;
    public const byte ActionResponse = 0xC7;
    public const byte ExceptionResponse = 0xD8;
}
