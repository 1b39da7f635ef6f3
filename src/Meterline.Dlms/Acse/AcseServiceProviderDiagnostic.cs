namespace Meterline.Dlms.Acse;

/// <summary>Associate-source-diagnostic acse-service-provider [2] INTEGER (Green Book ACSE ASN.1).</summary>
public enum AcseServiceProviderDiagnostic
{
    Null = 0,
    NoReasonGiven = 1,
    NoCommonAcseVersion = 2,
}
