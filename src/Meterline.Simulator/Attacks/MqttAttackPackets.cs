using System.Text;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// The MQTT 5 packets the MQTT attacks write by hand (OASIS MQTT 5.0): CONNECT with clean start, user name and password
/// (§3.1), PUBLISH at QoS 1 (§3.3), and fixed headers announcing more than any broker should accept (§2.1.4).
/// </summary>
public static class MqttAttackPackets
{
    /// <summary>The largest Remaining Length MQTT can encode (four bytes, §1.5.5): 268,435,455, about 256 MB.</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>CONNECT (§3.1): protocol "MQTT" level 5, clean start, user name and password, keep alive 60 s, no properties.</summary>
    public static byte[] Connect(string clientId, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0xC2, 0x00, 0x3C, 0x00 };
        AddString(body, clientId);
        AddString(body, userName);
        AddString(body, password);
        return Packet(0x10, body);
    }

    /// <summary>PUBLISH at QoS 1 (§3.3) to <paramref name="topic"/> with packet identifier <paramref name="packetId"/> (1 to 65,535), no properties.</summary>
    public static byte[] Publish(string topic, ushort packetId, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfZero(packetId);
        var body = new List<byte>(topic.Length + payload.Length + 8);
        AddString(body, topic);
        body.Add((byte)(packetId >> 8));
        body.Add((byte)packetId);
        body.Add(0x00);
        body.AddRange(payload);
        return Packet(0x32, body);
    }

    /// <summary>A CONNECT fixed header announcing <see cref="MaxRemainingLength"/> bytes (<c>10 FF FF FF 7F</c>), with no body.</summary>
    public static byte[] OversizeConnect() => [0x10, 0xFF, 0xFF, 0xFF, 0x7F];

    /// <summary>A CONNECT fixed header whose Remaining Length runs to a fifth byte (<c>10 FF FF FF FF 7F</c>, malformed by §1.5.5).</summary>
    public static byte[] OverlongRemainingLength() => [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];

    /// <summary>The Remaining Length of <paramref name="length"/> as a Variable Byte Integer (§1.5.5).</summary>
    public static void AddRemainingLength(List<byte> destination, int length)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxRemainingLength);
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            destination.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
    }

    private static byte[] Packet(byte first, List<byte> body)
    {
        var packet = new List<byte>(body.Count + 5) { first };
        AddRemainingLength(packet, body.Count);
        packet.AddRange(body);
        return [.. packet];
    }

    private static void AddString(List<byte> destination, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        destination.Add((byte)(bytes.Length >> 8));
        destination.Add((byte)bytes.Length);
        destination.AddRange(bytes);
    }
}
