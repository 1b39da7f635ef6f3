using Meterline.Dlms.Associations;

namespace Meterline.Simulator.Hosting;

/// <summary>What <see cref="FleetHost"/> needs of a meter to serve it over DLMS/TCP.</summary>
public interface IHostedMeter
{
    /// <summary>The serial number (for logs and statistics).</summary>
    string Id { get; }

    /// <summary>The HDLC lower (physical) address, which is also its wPort on a shared port.</summary>
    int PhysicalAddress { get; }

    /// <summary>False during a simulated outage or silence (its communication down): the meter then answers nothing.</summary>
    bool Answers { get; }

    /// <summary>The association the meter offers to a client SAP on a new link, or null for none.</summary>
    ServerAssociation? CreateAssociation(int clientSap);
}
