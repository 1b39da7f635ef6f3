namespace Meterline.HeadEnd.Ingest;

/// <summary>The outcome of peeking at a secured APDU's header.</summary>
public enum HeaderInspection
{
    /// <summary>The header was read.</summary>
    Read = 0,

    /// <summary>A ciphered APDU whose lengths or fields are wrong.</summary>
    Malformed = 1,

    /// <summary>Not a ciphered APDU of a kind meters push, or one that does not carry the sender's system title.</summary>
    Unprotected = 2,
}
