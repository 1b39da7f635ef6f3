using Meterline.Dlms.Links;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>One session's link over MQTT: the datagram link, and leaving the router when disposed.</summary>
internal sealed class MqttMeterLink(DatagramWrapperLink inner, Func<Task> close) : IApduLink
{
    private int _disposed;

    public Task Completion => inner.Completion;

    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default) => inner.SendAsync(apdu, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await close().ConfigureAwait(false);
        }
    }
}
