using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Zigbee;

namespace Meterline.Server.Hosting;

/// <summary>
/// The node's opener for <c>zigbee://</c> endpoints, bound to the local coordinator when there is one — at open, or
/// later by <see cref="HeadEndNode.AttachZigbeeAsync"/> (the demo's emulated coordinator exists only once its fleet
/// runs). Until bound it opens nothing, so such meters are unreachable rather than misrouted.
/// </summary>
internal sealed class LateZigbeeLinkOpener : IDlmsLinkOpener
{
    private LocalZigbeeLinkOpener? _bound;

    public bool IsBound => Volatile.Read(ref _bound) is not null;

    public void Bind(LocalZigbeeLinkOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        if (Interlocked.CompareExchange(ref _bound, opener, null) is not null)
        {
            throw new InvalidOperationException("A Zigbee coordinator is already attached to this node.");
        }
    }

    public bool CanOpen(MeterEndpoint endpoint) => Volatile.Read(ref _bound)?.CanOpen(endpoint) ?? false;

    public Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _bound) is { } opener
            ? opener.OpenAsync(endpoint, clientWPort, cancellationToken)
            : throw new ArgumentException($"{endpoint}: this node has no Zigbee coordinator", nameof(endpoint));
}
