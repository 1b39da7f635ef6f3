using System.IO.Ports;

namespace Meterline.Dlms.Links;

/// <summary>
/// Opens a serial port (any /dev/tty* device, including pseudo-terminals) as a duplex pipe. IEC 62056-21 mode E
/// optical probes and RS-485 meters normally run HDLC at 9600 baud, 8 data bits, no parity, one stop bit.
/// </summary>
public static class SerialTransport
{
    public static StreamDuplexPipe Open(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One)
    {
        var port = new SerialPort(portName, baudRate, parity, dataBits, stopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 5_000,
        };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            port.Dispose();
            throw new DlmsLinkException($"Cannot open serial port {portName}: {e.Message}", isTransient: e is IOException, e);
        }

        return new StreamDuplexPipe(port.BaseStream, port);
    }
}
