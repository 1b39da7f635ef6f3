namespace Meterline.Dlms.Security;

/// <summary>
/// The security_policy attribute of "Security setup" version 1 (Blue Book 4.4.7): which protection every request
/// and response of the association must carry. Bits 0 and 1 are unused.
/// </summary>
[Flags]
public enum SecurityPolicy : byte
{
    /// <summary>No protection required.</summary>
    None = 0,

    /// <summary>Bit 2: requests are authenticated.</summary>
    AuthenticatedRequest = 0x04,

    /// <summary>Bit 3: requests are encrypted.</summary>
    EncryptedRequest = 0x08,

    /// <summary>Bit 4: requests are digitally signed.</summary>
    DigitallySignedRequest = 0x10,

    /// <summary>Bit 5: responses are authenticated.</summary>
    AuthenticatedResponse = 0x20,

    /// <summary>Bit 6: responses are encrypted.</summary>
    EncryptedResponse = 0x40,

    /// <summary>Bit 7: responses are digitally signed.</summary>
    DigitallySignedResponse = 0x80,
}
