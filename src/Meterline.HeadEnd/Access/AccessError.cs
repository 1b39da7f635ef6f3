namespace Meterline.HeadEnd.Access;

/// <summary>Why a change to users or tokens was refused.</summary>
public enum AccessError
{
    /// <summary>A name, password, role list, consumer or expiry is malformed.</summary>
    Invalid,

    /// <summary>The name is taken.</summary>
    Conflict,

    /// <summary>No such user or live token.</summary>
    NotFound,
}
