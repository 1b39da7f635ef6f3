using Meterline.Dlms;
using Meterline.Dlms.Gateway;
using Meterline.Dlms.Links;

namespace Meterline.Gateway;

/// <summary>
/// The head-end's end of one meter behind a <c>meterline gateway</c>: an APDU link that wraps each APDU in a
/// gateway-request naming the meter's physical device address and unwraps the gateway-responses for it, over a
/// wrapper link to the gateway (one meter per connection). A response for another address, or that is not a gateway
/// PDU, is counted and dropped.
/// </summary>
public sealed class GatewayClientLink(IApduLink gateway, ReadOnlyMemory<byte> physicalDeviceAddress, byte networkId = 0) : IApduLink
{
    private readonly byte[] _address = physicalDeviceAddress.ToArray();
    private long _dropped;

    public Task Completion => gateway.Completion;

    /// <summary>Responses dropped: not a gateway-response, or for another address.</summary>
    public long DroppedResponses => Interlocked.Read(ref _dropped);

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default) =>
        gateway.SendAsync(new GatewayPdu(GatewayDirection.Request, networkId, _address, apdu).ToArray(), cancellationToken);

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var pdu = await gateway.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var response = GatewayPdu.Decode(pdu);
                if (response.Direction == GatewayDirection.Response && response.PhysicalDeviceAddress.Span.SequenceEqual(_address))
                {
                    return response.Apdu;
                }
            }
            catch (DlmsFormatException)
            {
            }

            Interlocked.Increment(ref _dropped);
        }
    }

    public ValueTask DisposeAsync() => gateway.DisposeAsync();
}
