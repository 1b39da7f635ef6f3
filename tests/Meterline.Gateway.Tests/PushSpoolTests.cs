using Meterline.Gateway.Mqtt;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Tests;

public sealed class PushSpoolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-spool-").FullName;

    private string SpoolPath => Path.Combine(_directory, "gateway.spool");

    [Fact]
    public void Write_ThenRead_SameFramesInOrder()
    {
        (XBeeAddress64, byte[])[] frames = [(new XBeeAddress64(1), [0, 1, 0, 1, 0, 1, 0, 2, 0xDB, 0x08]), (new XBeeAddress64(0x0013A2004D540002), new byte[300])];

        PushSpool.Write(SpoolPath, frames);
        var read = PushSpool.Read(SpoolPath, 10, 4096);

        Assert.Equal(frames.Length, read.Count);
        for (var i = 0; i < frames.Length; i++)
        {
            Assert.Equal(frames[i].Item1, read[i].Radio);
            Assert.Equal(frames[i].Item2, read[i].Frame);
        }

        Assert.False(File.Exists(SpoolPath + ".tmp"));
    }

    [Fact]
    public void Write_Nothing_RemovesTheSpool()
    {
        PushSpool.Write(SpoolPath, [(new XBeeAddress64(1), new byte[10])]);

        PushSpool.Write(SpoolPath, []);

        Assert.False(File.Exists(SpoolPath));
        Assert.Empty(PushSpool.Read(SpoolPath, 10, 4096));
    }

    [Fact]
    public void Read_TruncatedForeignOrOversize_Refused()
    {
        PushSpool.Write(SpoolPath, [(new XBeeAddress64(1), new byte[100]), (new XBeeAddress64(2), new byte[100])]);
        var whole = File.ReadAllBytes(SpoolPath);

        Assert.Throws<InvalidDataException>(() => PushSpool.Read(SpoolPath, 1, 4096));
        Assert.Throws<InvalidDataException>(() => PushSpool.Read(SpoolPath, 10, 99));
        File.WriteAllBytes(SpoolPath, whole[..^1]);
        Assert.Throws<InvalidDataException>(() => PushSpool.Read(SpoolPath, 10, 4096));
        File.WriteAllBytes(SpoolPath, whole[..(whole.Length - 105)]);
        Assert.Throws<InvalidDataException>(() => PushSpool.Read(SpoolPath, 10, 4096));
        File.WriteAllBytes(SpoolPath, "not a spool"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => PushSpool.Read(SpoolPath, 10, 4096));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
