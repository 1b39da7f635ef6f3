namespace Meterline.Dlms.Security;

/// <summary>
/// Checks a received message's protection against the security policy, and a response's against its request.
/// </summary>
/// <remarks>
/// The response check forbids downgrade: a response must carry every kind of protection the policy requires for
/// responses and every kind the request carried, so a plaintext or weaker reply to a ciphered or signed request is
/// refused. (Green Book 9.2.7.3 lets a server drop, in a multi-party exchange, a kind the policy does not require on
/// responses; Meterline's client does not accept that.)
/// </remarks>
public static class SecurityPolicyCheck
{
    private const byte ReservedBits = 0x03;

    /// <summary>True when <paramref name="value"/> is a valid version 1 security policy (bits 0 and 1 clear).</summary>
    public static bool IsValid(byte value) => (value & ReservedBits) == 0;

    /// <summary>The protection the policy requires for one direction.</summary>
    public static MessageProtection Required(SecurityPolicy policy, MessageDirection direction) => direction switch
    {
        MessageDirection.Request => new(
            policy.HasFlag(SecurityPolicy.AuthenticatedRequest),
            policy.HasFlag(SecurityPolicy.EncryptedRequest),
            policy.HasFlag(SecurityPolicy.DigitallySignedRequest)),
        MessageDirection.Response => new(
            policy.HasFlag(SecurityPolicy.AuthenticatedResponse),
            policy.HasFlag(SecurityPolicy.EncryptedResponse),
            policy.HasFlag(SecurityPolicy.DigitallySignedResponse)),
        _ => throw new ArgumentOutOfRangeException(nameof(direction)),
    };

    /// <summary>True when <paramref name="protection"/> meets the policy for <paramref name="direction"/>.</summary>
    public static bool IsSatisfied(SecurityPolicy policy, MessageDirection direction, MessageProtection protection) =>
        protection.Includes(Required(policy, direction));

    /// <summary>Throws unless <paramref name="protection"/> meets the policy for <paramref name="direction"/>.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.SecurityPolicyViolation"/>.</exception>
    public static void Enforce(SecurityPolicy policy, MessageDirection direction, MessageProtection protection)
    {
        if (!IsSatisfied(policy, direction, protection))
        {
            throw new DlmsSecurityException(
                DlmsErrorReason.SecurityPolicyViolation,
                $"The {direction.ToString().ToLowerInvariant()} is protected more weakly than the security policy requires");
        }
    }

    /// <summary>True when the response meets the policy and is at least as protected as the request.</summary>
    public static bool IsResponseAcceptable(SecurityPolicy policy, MessageProtection request, MessageProtection response) =>
        IsSatisfied(policy, MessageDirection.Response, response) && response.Includes(request);

    /// <summary>Throws unless the response meets the policy and is at least as protected as the request.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.SecurityPolicyViolation"/>.</exception>
    public static void EnforceResponse(SecurityPolicy policy, MessageProtection request, MessageProtection response)
    {
        Enforce(policy, MessageDirection.Response, response);
        if (!response.Includes(request))
        {
            throw new DlmsSecurityException(
                DlmsErrorReason.SecurityPolicyViolation,
                "The response is protected more weakly than its request");
        }
    }
}
