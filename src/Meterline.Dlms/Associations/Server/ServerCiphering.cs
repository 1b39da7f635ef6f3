namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// How an xDLMS APDU is ciphered (Green Book 9.2.7.2.4): not at all, in a service-specific glo-/ded- APDU, or in a
/// general-glo-/general-ded-ciphering APDU. The response of a server association uses the request's kind.
/// </summary>
internal enum ServerCiphering
{
    None,

    /// <summary>glo- service-specific ciphering with the global unicast encryption key.</summary>
    Global,

    /// <summary>ded- service-specific ciphering with the dedicated key.</summary>
    Dedicated,

    /// <summary>general-glo-ciphering (tag 0xDB).</summary>
    GeneralGlobal,

    /// <summary>general-ded-ciphering (tag 0xDC).</summary>
    GeneralDedicated,
}
