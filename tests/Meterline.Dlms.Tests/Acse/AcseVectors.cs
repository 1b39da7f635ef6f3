namespace Meterline.Dlms.Tests.Acse;

/// <summary>
/// Published ACSE and xDLMS initiate encodings. Most are the DLMS UA Green Book examples as reproduced in the
/// test suites of public DLMS stacks; each constant names the file it is taken from.
/// </summary>
internal static class AcseVectors
{
    /// <summary>V8 (shared/reference/test-vectors.md): AARQ, LN with ciphering, calling AP title ST_S, LLS
    /// "12345678", user-information = V4 glo-initiate-request. u9n/dlms-cosem tests/test_asce/test_aarq.py.</summary>
    public const string AarqCipheredLls =
        "6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201AC0A80083132333435363738" +
        "BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";

    /// <summary>V4 ciphered InitiateRequest (glo-initiate-request). u9n tests/test_xdlms/test_initiate.py.</summary>
    public const string GloInitiateRequest =
        "21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";

    /// <summary>V4 plaintext InitiateRequest with dedicated key 00112233…FF. u9n tests/test_xdlms/test_initiate.py.</summary>
    public const string InitiateRequestWithDedicatedKey =
        "01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0";

    /// <summary>InitiateRequest, no dedicated key, conformance 0x007E1F, PDU 1200.
    /// u9n tests/test_xdlms/test_initiate.py (Green Book example).</summary>
    public const string InitiateRequestSimple = "01000000065F1F0400007E1F04B0";

    /// <summary>AARQ, LN no ciphering, no security. u9n tests/test_asce/test_aarq.py (Green Book ed. 10 example).</summary>
    public const string AarqNoSecurity = "601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0";

    /// <summary>AARQ, LLS password "12345678". u9n tests/test_asce/test_aarq.py (Green Book ed. 10 example).</summary>
    public const string AarqLowSecurity =
        "6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F0400007E1F04B0";

    /// <summary>AARQ, HLS GMAC, CtoS "K56iVagY". u9n tests/test_asce/test_aarq.py (Green Book ed. 10 example).</summary>
    public const string AarqHighSecurityGmac =
        "6036A1090607608574050801018A0207808B0760857405080205AC0A80084B35366956616759BE10040E01000000065F1F0400007E1F04B0";

    /// <summary>AARQ, HLS mechanism 2, client max PDU 0xFFFF. u9n tests/test_asce/test_aarq.py (test_hls).</summary>
    public const string AarqHighSecurity =
        "6036A1090607608574050801018A0207808B0760857405080202AC0A80083132333435363738BE10040E01000000065F1F0400007E1FFFFF";

    /// <summary>AARE accepting LN no ciphering. u9n tests/test_asce/test_aare.py (Green Book ed. 10 example).</summary>
    public const string AareAccepted =
        "6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000501F01F40007";

    /// <summary>AARE rejecting permanently, application-context-name-not-supported. u9n test_aare.py.</summary>
    public const string AareContextNotSupported =
        "6129A109060760857405080101A203020101A305A103020102BE10040E0800065F1F040000501F01F40007";

    /// <summary>AARE rejecting with ConfirmedServiceError initiateError / initiate / dlms-version-too-low.
    /// u9n tests/test_asce/test_aare.py.</summary>
    public const string AareDlmsVersionTooLow = "611FA109060760857405080101A203020101A305A103020101BE0604040E010601";

    /// <summary>AARE accepting HLS GMAC with the responding authentication value StoC "P6wRJ21F" and
    /// authentication-required. u9n tests/test_asce/test_aare.py.</summary>
    public const string AareHighSecurityGmac =
        "6142A109060760857405080101A203020100A305A10302010E88020780890760857405080205AA0A8008503677524A323146" +
        "BE10040E0800065F1F040000501F01F40007";

    /// <summary>
    /// AARE accepting SN referencing as captured in OpenMUC jDLMS sessionlayer/hdlc/HdlcFrameTest.java (decode3,
    /// the APDU inside the HDLC frame). Its BER lengths agree, but the user-information OCTET STRING says 13 octets
    /// where the InitiateResponse needs 14: the last octet of vaa-name 0xFA00 lies outside the APDU.
    /// </summary>
    public const string AareShortNameCapture =
        "6128A109060760857405080102A203020100A305A103020100BE0F040D0800065F1F04001802200960FA";

    /// <summary>The same SN AARE with the user-information length corrected, assembled by hand.</summary>
    public const string AareShortName =
        "6129A109060760857405080102A203020100A305A103020100BE10040E0800065F1F04001802200960FA00";

    /// <summary>AARE with mechanism-name lowest and no authentication value. cpoder/dlms-cosem-codec
    /// AssociationResponseTest.java (the APDU after the 8-byte TCP wrapper header).</summary>
    public const string AareLowestMechanism =
        "6132A109060760857405080101A203020100A305A103020100890760857405080200BE10040E0800065F1F0400601A9D01000007";

    /// <summary>RLRQ, reason normal. u9n tests/test_asce/test_rlrq.py.</summary>
    public const string RlrqNormal = "6203800100";

    /// <summary>RLRQ, reason normal, ciphered InitiateRequest (V4). u9n tests/test_asce/test_rlrq.py.</summary>
    public const string RlrqCiphered =
        "6239800100BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";

    /// <summary>RLRE, reason normal. u9n tests/test_asce/test_rlre.py.</summary>
    public const string RlreNormal = "6303800100";

    /// <summary>RLRE, reason normal, InitiateResponse with quality of service 0. u9n tests/test_asce/test_rlre.py.</summary>
    public const string RlreWithInitiateResponse = "6316800100BE11040F080100065F1F0400001E1D04C80007";

    /// <summary>RLRE, reason normal, glo-initiate-response (Green Book example). u9n tests/test_asce/test_rlre.py.</summary>
    public const string RlreCiphered =
        "6328800100BE230421281F3001234567891214A0845E475714383F65BC19745CA235906525E4F3E1C893";

    /// <summary>InitiateResponse, conformance 0x00501F, PDU 500, LN. u9n tests/test_xdlms/test_initiate.py.</summary>
    public const string InitiateResponseSimple = "0800065F1F040000501F01F40007";

    /// <summary>InitiateResponse with negotiated-quality-of-service 0. u9n tests/test_xdlms/test_initiate.py.</summary>
    public const string InitiateResponseWithQuality = "080100065F1F0400001E1D04C80007";

    /// <summary>ConfirmedServiceError initiateError / initiate / dlms-version-too-low, from
    /// <see cref="AareDlmsVersionTooLow"/>.</summary>
    public const string ConfirmedServiceErrorVersionTooLow = "0E010601";

    /// <summary>AARQ with every field present, assembled by hand from the Green Book ACSE ASN.1.</summary>
    public static readonly string AarqAllFields = string.Concat(
        "6070", // [APPLICATION 0], 112 octets
        "80020780", // protocol-version [0] IMPLICIT BIT STRING {version1}
        "A109060760857405080103", // application-context-name [1]: LN with ciphering
        "A2040402AABB", // called-AP-title [2]
        "A3030401CC", // called-AE-qualifier [3]
        "A403020105", // called-AP-invocation-id [4] = 5
        "A50402020080", // called-AE-invocation-id [5] = 128, which needs a leading zero octet
        "A60A04084D4D4D0000000001", // calling-AP-title [6] = ST_C
        "A7030401DD", // calling-AE-qualifier [7]
        "A8030201FF", // calling-AP-invocation-id [8] = -1
        "A903020101", // calling-AE-invocation-id [9] = 1
        "8A020780", // sender-acse-requirements [10]: authentication
        "8B0760857405080205", // mechanism-name [11]: HLS GMAC
        "AC0A80084B35366956616759", // calling-authentication-value [12]: charstring "K56iVagY"
        "9D034D4C31", // implementation-information [29]: "ML1"
        "BE10040E01000000065F1F0400007E1F04B0"); // user-information [30]: InitiateRequestSimple

    /// <summary>AARE with every field present, assembled by hand from the Green Book ACSE ASN.1.</summary>
    public static readonly string AareAllFields = string.Concat(
        "617A", // [APPLICATION 1], 122 octets
        "80020780", // protocol-version [0]
        "A109060760857405080103", // application-context-name [1]: LN with ciphering
        "A203020100", // result [2]: accepted
        "A305A10302010E", // result-source-diagnostic [3]: acse-service-user authentication-required
        "A40A04084D4D4D0000BC614E", // responding-AP-title [4] = ST_S
        "A5030401EE", // responding-AE-qualifier [5]
        "A603020107", // responding-AP-invocation-id [6] = 7
        "A70402020100", // responding-AE-invocation-id [7] = 256
        "88020780", // responder-acse-requirements [8]
        "890760857405080205", // mechanism-name [9]: HLS GMAC
        "AA0A8008503677524A323146", // responding-authentication-value [10]: "P6wRJ21F"
        "9D034D4C31", // implementation-information [29]: "ML1"
        "BE230421281F3001234567891214A0845E475714383F65BC19745CA235906525E4F3E1C893"); // user-information [30]

    /// <summary>Every published ACSE APDU above, for the malformed-input tables.</summary>
    public static readonly string[] AllAcse =
    [
        AarqCipheredLls, AarqNoSecurity, AarqLowSecurity, AarqHighSecurityGmac, AarqHighSecurity,
        AareAccepted, AareContextNotSupported, AareDlmsVersionTooLow, AareHighSecurityGmac, AareShortNameCapture,
        AareLowestMechanism, RlrqNormal, RlrqCiphered, RlreNormal, RlreWithInitiateResponse, RlreCiphered,
    ];

    /// <summary>Every published xDLMS initiate encoding above, for the malformed-input tables.</summary>
    public static readonly string[] AllXdlms =
    [
        InitiateRequestWithDedicatedKey, InitiateRequestSimple, InitiateResponseSimple, InitiateResponseWithQuality,
        ConfirmedServiceErrorVersionTooLow,
    ];
}
