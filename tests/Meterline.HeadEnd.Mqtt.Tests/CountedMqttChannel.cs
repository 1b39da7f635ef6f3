using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>An MQTTnet channel that records every write (its bytes, one entry per write) and reads nothing.</summary>
internal sealed class CountedMqttChannel : IMqttChannel
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _writes = [];

    public IReadOnlyList<byte[]> Writes
    {
        get
        {
            lock (_lock)
            {
                return [.. _writes];
            }
        }
    }

    public X509Certificate2 ClientCertificate => null!;

    public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 1883);

    public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

    public bool IsSecureConnection => false;

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _writes.Add(buffer.ToArray());
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
