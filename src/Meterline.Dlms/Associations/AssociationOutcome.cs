using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Associations;

/// <summary>What the AARE meant: accepted, accepted pending HLS passes 3 and 4, or refused (with the server's reasons).</summary>
public sealed record AssociationOutcome(
    AssociationState State,
    AssociationResult Result,
    AssociateSourceDiagnostic Diagnostic,
    ConfirmedServiceError? InitiateError = null)
{
    /// <summary>True when data services may be used now.</summary>
    public bool IsAssociated => State == AssociationState.Associated;

    /// <summary>True when the client must now send reply_to_HLS_authentication.</summary>
    public bool NeedsHlsCompletion => State == AssociationState.AwaitingHlsCompletion;
}
