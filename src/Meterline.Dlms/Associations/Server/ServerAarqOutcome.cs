using Meterline.Dlms.Acse;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The server's decision on an AARQ: the AARE to send (null when the client asked for no response), and for an
/// accepted association what was negotiated. An HLS association is accepted pending passes 3 and 4.
/// </summary>
internal sealed class ServerAarqOutcome
{
    public required Aare? Response { get; init; }

    public bool Accepted { get; init; }

    public ApplicationContextName Context { get; init; }

    public SystemTitle? ClientSystemTitle { get; init; }

    public Conformance NegotiatedConformance { get; init; }

    public ushort ClientMaxReceivePduSize { get; init; }

    /// <summary>The dedicated key the client sent in its ciphered InitiateRequest, for ded- ciphering.</summary>
    public CipherKey? DedicatedKey { get; init; }

    /// <summary>The pending four-pass authentication, for HLS mechanisms 5 and 7.</summary>
    public ServerHlsAuthentication? Hls { get; init; }
}
