namespace Meterline.HeadEnd.Meters;

/// <summary>
/// The lowest protection the head-end accepts from a meter's pushes and uses for its commands (IS 15959 associations).
/// A push protected less than its meter's level is rejected and audited.
/// </summary>
public enum SecurityLevel
{
    /// <summary>Authenticated and encrypted with the meter's global unicast key (suite 0, HLS-GMAC association).</summary>
    AuthenticatedEncrypted = 0,

    /// <summary>
    /// As <see cref="AuthenticatedEncrypted"/>, and commands signed with the HES key (ECDSA P-256, general-signing of
    /// every SET and ACTION request): the meter trusts the head-end's public key and refuses unsigned relay, key and
    /// calendar commands.
    /// </summary>
    AuthenticatedEncryptedSigned = 1,
}
