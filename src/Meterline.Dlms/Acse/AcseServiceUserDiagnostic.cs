namespace Meterline.Dlms.Acse;

/// <summary>Associate-source-diagnostic acse-service-user [1] INTEGER (Green Book ACSE ASN.1).</summary>
public enum AcseServiceUserDiagnostic
{
    Null = 0,
    NoReasonGiven = 1,
    ApplicationContextNameNotSupported = 2,
    CallingApTitleNotRecognized = 3,
    CallingApInvocationIdentifierNotRecognized = 4,
    CallingAeQualifierNotRecognized = 5,
    CallingAeInvocationIdentifierNotRecognized = 6,
    CalledApTitleNotRecognized = 7,
    CalledApInvocationIdentifierNotRecognized = 8,
    CalledAeQualifierNotRecognized = 9,
    CalledAeInvocationIdentifierNotRecognized = 10,
    AuthenticationMechanismNameNotRecognised = 11,
    AuthenticationMechanismNameRequired = 12,
    AuthenticationFailure = 13,
    AuthenticationRequired = 14,
}
