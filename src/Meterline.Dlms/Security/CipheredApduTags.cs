namespace Meterline.Dlms.Security;

/// <summary>
/// Tags of the service-specific ciphered APDUs and their unciphered counterparts (Green Book 9.5, COSEMpdu):
/// for the LN services glo- = plain + 8 and ded- = plain + 16 (get-request 0xC0 → glo 0xC8, ded 0xD0; no
/// 0xC6/0xCE/0xD6); for initiate, SN services, confirmed-service-error and information-report
/// glo- = plain + 32 and ded- = plain + 64 (initiate-request 0x01 → glo 0x21, ded 0x41).
/// </summary>
public static class CipheredApduTags
{
    public const byte GloInitiateRequest = 0x21;
    public const byte GloReadRequest = 0x25;
    public const byte GloWriteRequest = 0x26;
    public const byte GloInitiateResponse = 0x28;
    public const byte GloReadResponse = 0x2C;
    public const byte GloWriteResponse = 0x2D;
    public const byte GloConfirmedServiceError = 0x2E;
    public const byte GloUnconfirmedWriteRequest = 0x36;
    public const byte GloInformationReportRequest = 0x38;
    public const byte GloGetRequest = 0xC8;
    public const byte GloSetRequest = 0xC9;
    public const byte GloEventNotificationRequest = 0xCA;
    public const byte GloActionRequest = 0xCB;
    public const byte GloGetResponse = 0xCC;
    public const byte GloSetResponse = 0xCD;
    public const byte GloActionResponse = 0xCF;

    public const byte DedInitiateRequest = 0x41;
    public const byte DedReadRequest = 0x45;
    public const byte DedWriteRequest = 0x46;
    public const byte DedInitiateResponse = 0x48;
    public const byte DedReadResponse = 0x4C;
    public const byte DedWriteResponse = 0x4D;
    public const byte DedConfirmedServiceError = 0x4E;
    public const byte DedUnconfirmedWriteRequest = 0x56;
    public const byte DedInformationReportRequest = 0x58;
    public const byte DedGetRequest = 0xD0;
    public const byte DedSetRequest = 0xD1;
    public const byte DedEventNotificationRequest = 0xD2;
    public const byte DedActionRequest = 0xD3;
    public const byte DedGetResponse = 0xD4;
    public const byte DedSetResponse = 0xD5;
    public const byte DedActionResponse = 0xD7;

    // Unciphered APDUs that have glo- and ded- forms: initiate-request, read-request, write-request,
    // initiate-response, read-response, write-response, confirmed-service-error, unconfirmed-write-request,
    // information-report-request; and the LN get/set/event-notification/action requests and responses.
    private static readonly byte[] ShortPlainTags = [0x01, 0x05, 0x06, 0x08, 0x0C, 0x0D, 0x0E, 0x16, 0x18];
    private static readonly byte[] LongPlainTags = [0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC7];

    // Index: ciphered tag; value: plain tag, 0 where the tag is not a service-specific ciphered APDU.
    private static readonly byte[] PlainByCipheredTag = BuildTable(out GlobalFlags);
    private static readonly bool[] GlobalFlags;

    /// <summary>The glo- tag for an unciphered APDU tag; false when the APDU has no glo- form.</summary>
    public static bool TryGetGlobalTag(byte plainTag, out byte globalTag) =>
        TryMap(plainTag, ShortPlainTags.Contains(plainTag) ? 0x20 : 0x08, out globalTag);

    /// <summary>The ded- tag for an unciphered APDU tag; false when the APDU has no ded- form.</summary>
    public static bool TryGetDedicatedTag(byte plainTag, out byte dedicatedTag) =>
        TryMap(plainTag, ShortPlainTags.Contains(plainTag) ? 0x40 : 0x10, out dedicatedTag);

    /// <summary>The unciphered APDU tag for a glo- or ded- tag; false for any other tag.</summary>
    public static bool TryGetPlainTag(byte cipheredTag, out byte plainTag)
    {
        plainTag = PlainByCipheredTag[cipheredTag];
        return plainTag != 0;
    }

    /// <summary>True for the glo- and ded- service-specific ciphered APDU tags.</summary>
    public static bool IsServiceSpecificCiphered(byte tag) => PlainByCipheredTag[tag] != 0;

    /// <summary>True for a glo- tag (ciphered with a global key).</summary>
    public static bool IsGlobal(byte tag) => PlainByCipheredTag[tag] != 0 && GlobalFlags[tag];

    /// <summary>True for a ded- tag (ciphered with the dedicated key).</summary>
    public static bool IsDedicated(byte tag) => PlainByCipheredTag[tag] != 0 && !GlobalFlags[tag];

    private static bool TryMap(byte plainTag, int offset, out byte cipheredTag)
    {
        if (ShortPlainTags.Contains(plainTag) || LongPlainTags.Contains(plainTag))
        {
            cipheredTag = (byte)(plainTag + offset);
            return true;
        }

        cipheredTag = 0;
        return false;
    }

    private static byte[] BuildTable(out bool[] global)
    {
        var table = new byte[256];
        global = new bool[256];
        foreach (var plain in ShortPlainTags)
        {
            table[plain + 0x20] = plain;
            global[plain + 0x20] = true;
            table[plain + 0x40] = plain;
        }

        foreach (var plain in LongPlainTags)
        {
            table[plain + 0x08] = plain;
            global[plain + 0x08] = true;
            table[plain + 0x10] = plain;
        }

        return table;
    }
}
