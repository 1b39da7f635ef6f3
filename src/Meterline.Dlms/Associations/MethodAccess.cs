namespace Meterline.Dlms.Associations;

/// <summary>The access right of one method for one association (Blue Book, Association LN, method_access).</summary>
[Flags]
public enum MethodAccess
{
    None = 0,
    Access = 1,

    /// <summary>The request must be authenticated.</summary>
    AuthenticatedRequest = 0x04,

    /// <summary>The request must be encrypted.</summary>
    EncryptedRequest = 0x08,

    /// <summary>The request must be digitally signed.</summary>
    SignedRequest = 0x10,

    /// <summary>The response is authenticated.</summary>
    AuthenticatedResponse = 0x20,

    /// <summary>The response is encrypted.</summary>
    EncryptedResponse = 0x40,

    /// <summary>The response is digitally signed.</summary>
    SignedResponse = 0x80,
}
