using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// An opener for a made-up scheme (<c>alias://name</c>) that reaches a served meter over TCP through
/// <see cref="TcpWrapperLinkOpener.ConnectAsync"/>, recording what it was asked.
/// </summary>
internal sealed class AliasLinkOpener(string name, int port) : IDlmsLinkOpener
{
    private readonly TcpWrapperLinkOpener _tcp = new(TimeSpan.FromSeconds(5));
    private readonly List<ushort> _clientWPorts = [];

    public IReadOnlyList<ushort> ClientWPorts
    {
        get
        {
            lock (_clientWPorts)
            {
                return [.. _clientWPorts];
            }
        }
    }

    public bool CanOpen(MeterEndpoint endpoint) => endpoint.Scheme == "alias" && endpoint.Uri.Host == name;

    public Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        lock (_clientWPorts)
        {
            _clientWPorts.Add(clientWPort);
        }

        return _tcp.ConnectAsync("127.0.0.1", port, clientWPort, remoteWPort: 1, cancellationToken);
    }
}
