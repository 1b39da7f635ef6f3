namespace Meterline.Dlms.Security;

/// <summary>The kinds of protection a received message actually carried.</summary>
public readonly record struct MessageProtection(bool Authenticated, bool Encrypted, bool Signed)
{
    /// <summary>A plaintext, unsigned message.</summary>
    public static MessageProtection None => default;

    /// <summary>
    /// The protection of a message whose ciphered content had <paramref name="securityControl"/> (null for a plain
    /// APDU) and which did or did not arrive inside a verified general-signing APDU.
    /// </summary>
    public static MessageProtection From(SecurityControl? securityControl, bool signed) =>
        new(securityControl?.IsAuthenticated ?? false, securityControl?.IsEncrypted ?? false, signed);

    /// <summary>True when this protection has every kind that <paramref name="other"/> has.</summary>
    public bool Includes(MessageProtection other) =>
        (Authenticated || !other.Authenticated) && (Encrypted || !other.Encrypted) && (Signed || !other.Signed);
}
