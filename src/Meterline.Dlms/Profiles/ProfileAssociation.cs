using Meterline.Dlms.Acse;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Profiles;

/// <summary>One application association a meter of the profile offers (an Association LN object).</summary>
public sealed record ProfileAssociation(string Id, ObisCode LogicalName, int ClientSap, AuthenticationMechanism Mechanism, bool Ciphered);
