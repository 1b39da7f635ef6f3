using Meterline.HeadEnd.Mqtt.Framing;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The pre-authentication guard, byte in, verdict out.</summary>
public sealed class MqttStreamGuardTests
{
    // A minimal MQTT 5 CONNECT: protocol name "MQTT", level 5, flags (clean start), keep-alive 60, no properties, client id "a".
    private static readonly byte[] Connect = [0x10, 0x0E, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x01, (byte)'a'];

    [Theory]
    [InlineData(new byte[] { 0x30, 0x00 }, 0, 2, 2)]
    [InlineData(new byte[] { 0x30, 0x7F }, 127, 2, 129)]
    [InlineData(new byte[] { 0x30, 0x80, 0x01 }, 128, 3, 131)]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, 268_435_455, 5, 268_435_460)]
    public void TryDecode_VariableByteIntegers_RemainingLengthAndHeaderLength(byte[] bytes, int remaining, int length, long packet)
    {
        // MQTT 5.0 §1.5.5, table 1-1: the one- to four-byte boundaries.
        Assert.True(MqttFixedHeader.TryDecode(bytes, out var header));
        Assert.Equal((MqttPacketType.Publish, remaining, length, packet), (header.Type, header.RemainingLength, header.Length, header.PacketLength));
    }

    [Fact]
    public void TryDecode_FifthLengthByte_MalformedAtTheFourthLengthByte()
    {
        var e = Assert.Throws<MqttFormatException>(() => MqttFixedHeader.TryDecode([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], out _));
        Assert.Equal(4, e.Offset);
    }

    [Fact]
    public void TryDecode_IncompleteLength_NeedsMore()
    {
        Assert.False(MqttFixedHeader.TryDecode([0x30, 0xFF, 0xFF], out _));
        Assert.False(MqttFixedHeader.TryDecode([], out _));
    }

    [Fact]
    public void Encode_RoundTripsThroughTryDecode()
    {
        Span<byte> buffer = stackalloc byte[5];
        foreach (var length in new[] { 0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, MqttFixedHeader.MaxRemainingLength })
        {
            var written = MqttFixedHeader.Encode(buffer, MqttPacketType.Subscribe, 2, length);
            Assert.True(MqttFixedHeader.TryDecode(buffer[..written], out var header));
            Assert.Equal((MqttPacketType.Subscribe, (byte)2, length, written), (header.Type, header.Flags, header.RemainingLength, header.Length));
        }
    }

    [Fact]
    public void Inspect_MalformedRemainingLength_ViolationAndNothingPassed()
    {
        var guard = new MqttStreamGuard();
        var result = guard.Inspect([0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        Assert.Equal(MqttGuardStatus.Violation, result.Status);
        Assert.Equal(MqttGuardViolation.Malformed, result.Violation);
        Assert.Equal(0, result.Passable);
    }

    [Fact]
    public void Inspect_ConnectAnnouncing256MegabytesSplitAcrossReads_OversizeBeforeTheLastLengthBytePasses()
    {
        var guard = new MqttStreamGuard();
        // 268,435,455 = FF FF FF 7F; the first three bytes may pass (the parser cannot allocate on them).
        var first = guard.Inspect([0x10, 0xFF, 0xFF]);
        Assert.Equal((MqttGuardStatus.Pass, 3), (first.Status, first.Passable));
        var last = guard.Inspect([0xFF, 0x7F]);
        Assert.Equal(MqttGuardStatus.Violation, last.Status);
        Assert.Equal(MqttGuardViolation.Oversize, last.Violation);
        Assert.Equal(268_435_460, last.Announced);
        Assert.Equal(0, last.Passable);
    }

    [Fact]
    public void Inspect_FirstPacketNotConnect_Violation()
    {
        var result = new MqttStreamGuard().Inspect([0x30, 0x02, 0x00, 0x00]);
        Assert.Equal(MqttGuardViolation.NotConnectFirst, result.Violation);
    }

    [Fact]
    public void Inspect_BytesAfterConnect_HeldUntilAuthenticatedThenPassed()
    {
        var guard = new MqttStreamGuard();
        byte[] ping = [0xC0, 0x00];
        var result = guard.Inspect([.. Connect, .. ping]);
        Assert.Equal((MqttGuardStatus.Hold, Connect.Length), (result.Status, result.Passable));
        Assert.True(guard.ConnectReceived);

        Assert.Equal(MqttGuardStatus.Hold, guard.Inspect(ping).Status);
        guard.Authenticated();
        Assert.Equal((MqttGuardStatus.Pass, 2), (guard.Inspect(ping).Status, guard.Inspect(ping).Passable));
    }

    [Fact]
    public void Inspect_SecondConnect_Violation()
    {
        var guard = new MqttStreamGuard();
        guard.Inspect(Connect);
        guard.Authenticated();
        Assert.Equal(MqttGuardViolation.SecondConnect, guard.Inspect(Connect).Violation);
    }

    [Fact]
    public void Inspect_PacketLimitBeforeAndAfterAuthentication_Enforced()
    {
        var options = new MqttStreamGuardOptions { MaxConnectPacketLength = 64, MaxPacketLength = 200 };
        var before = new MqttStreamGuard(options).Inspect([0x10, 63]);
        Assert.Equal(MqttGuardViolation.Oversize, before.Violation);

        var guard = new MqttStreamGuard(options);
        Assert.Equal(MqttGuardStatus.Pass, guard.Inspect([0x10, 62]).Status);
        guard.Inspect(new byte[62]);
        guard.Authenticated();
        Assert.Equal(MqttGuardStatus.Pass, guard.Inspect([0x30, 0x80, 0x01]).Status);
        Assert.Equal(MqttGuardStatus.Pass, guard.Inspect(new byte[128]).Status);
        Assert.Equal(MqttGuardViolation.Oversize, guard.Inspect([0x30, 0xC6, 0x01]).Violation);
    }

    [Fact]
    public void Inspect_ConnectOneByteAtATime_SameVerdictAsWhole()
    {
        var guard = new MqttStreamGuard();
        for (var i = 0; i < Connect.Length; i++)
        {
            var result = guard.Inspect(Connect.AsSpan(i, 1));
            Assert.Equal((MqttGuardStatus.Pass, 1), (result.Status, result.Passable));
        }

        Assert.True(guard.ConnectReceived);
        Assert.Equal(1, guard.Packets);
    }
}
