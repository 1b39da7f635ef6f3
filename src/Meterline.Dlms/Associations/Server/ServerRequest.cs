using Meterline.Dlms.Acse;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// Everything a data service needs to know about the request it serves: the association context the object model
/// sees (with the request's actual protection), the negotiated conformance, the security policy, which response
/// protection the association can apply, and how long a response may be once protected.
/// </summary>
internal sealed class ServerRequest
{
    public required AssociationContext Association { get; init; }

    public required Conformance Conformance { get; init; }

    public required SecurityPolicy Policy { get; init; }

    /// <summary>The protection this association can give a response (ciphering needs a ciphered context, a signature a signing key).</summary>
    public required MessageProtection ResponseCapability { get; init; }

    /// <summary>The longest plain response that fits the client's max receive PDU size once protected to at least the given level.</summary>
    public required Func<MessageProtection, int> MaxResponseLength { get; init; }

    /// <summary>Told when an access is refused because the request was not signed (the meter logs a security event).</summary>
    public Action<SignatureRefusal>? SignatureRefused { get; init; }

    public MessageProtection Protection => Association.RequestProtection;

    /// <summary>The protection the security policy requires of every response.</summary>
    public MessageProtection ResponseBaseline => SecurityPolicyCheck.Required(Policy, MessageDirection.Response);

    public bool Negotiated(Conformance service) => (Conformance & service) == service;
}
