using System.IO.Ports;

namespace Meterline.Zigbee;

/// <summary>
/// Opens the serial port of an XBee module (any /dev/tty* device, including a pseudo-terminal /dev/pts/N): 8 data
/// bits, no parity, one stop bit, no handshake; 9600 baud is the module's default (<c>BD</c> = 3).
/// </summary>
public static class XBeeSerialPort
{
    public const int DefaultBaudRate = 9600;

    /// <summary>The port as a duplex stream; disposing the stream closes the port.</summary>
    public static Stream Open(string portName, int baudRate = DefaultBaudRate)
    {
        ArgumentException.ThrowIfNullOrEmpty(portName);
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1);
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 5_000,
        };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new XBeeException($"Cannot open serial port {portName}: {e.Message}", isTransient: e is IOException, e);
        }

        return new SerialPortStream(port);
    }
}
