using Meterline.Dlms.Acse;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>
/// What the object model behind a server association needs to know about the request it is serving: which
/// association (its Association LN object and client SAP), how the client authenticated, and how the request was
/// protected. Rules such as "remote_disconnect only through the utility-settings association, ciphered and signed"
/// are decided from this.
/// </summary>
public sealed record AssociationContext(
    Cosem.ObisCode AssociationLogicalName,
    int ClientSap,
    AuthenticationMechanism Mechanism,
    bool IsAuthenticated,
    SystemTitle? ClientSystemTitle,
    MessageProtection RequestProtection);
