namespace Meterline.Dlms.Associations;

/// <summary>Why a server association refused a request for its digital signature (general-signing, Green Book 9.2.7.2.5).</summary>
public enum SignatureRefusal
{
    /// <summary>The access right of the attribute or method asks for a signed request, and the request was not signed.</summary>
    Missing,

    /// <summary>
    /// The signature does not verify with the key the association trusts (another signer, or altered bytes), or the
    /// originator is not the association's client, or the recipient is not this server, or (where transaction-ids are
    /// checked) the transaction-id is empty or longer than 8 octets.
    /// </summary>
    Invalid,

    /// <summary>The signature verifies, but its transaction-id is not greater than the last one accepted: a replay.</summary>
    Replayed,
}
