namespace Meterline.Meter.Control;

/// <summary>
/// transport_service of send_destination_and_method ("Push setup", Blue Book 4.4.8, class 40). Values 200–255 are
/// manufacturer specific and accepted as such.
/// </summary>
public enum PushTransportService : byte
{
    Tcp = 0,
    Udp = 1,
    Ftp = 2,
    Smtp = 3,
    Sms = 4,
    Hdlc = 5,
    MBus = 6,
    ZigBee = 7,
    DlmsGateway = 8,
}
