using System.Globalization;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>A payload was not delivered after every attempt; <see cref="Status"/> is the last transmit status.</summary>
public sealed class XBeeDeliveryException : XBeeException
{
    public XBeeDeliveryException()
    {
    }

    public XBeeDeliveryException(string message)
        : base(message)
    {
    }

    public XBeeDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XBeeDeliveryException(XBeeAddress64 destination, TransmitStatus status, int attempts)
        : base(string.Create(CultureInfo.InvariantCulture, $"Delivery to {destination} failed after {attempts} attempts: {status.Delivery}"), isTransient: true)
    {
        Destination = destination;
        Status = status;
        Attempts = attempts;
    }

    public XBeeAddress64 Destination { get; }

    public TransmitStatus? Status { get; }

    public int Attempts { get; }
}
