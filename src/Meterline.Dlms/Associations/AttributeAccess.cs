namespace Meterline.Dlms.Associations;

/// <summary>
/// The access right of one attribute for one association (Blue Book, Association LN attribute object_list,
/// access_rights, in the version-3 form where the protection a request and its response must have is part of the
/// right).
/// </summary>
[Flags]
public enum AttributeAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,

    /// <summary>The request must be authenticated (GMAC tag or signature).</summary>
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
