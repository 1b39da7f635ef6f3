namespace Meterline.Dlms.Acse;

/// <summary>The alternatives of the Associate-source-diagnostic CHOICE, by context tag.</summary>
public enum AcseDiagnosticSource
{
    AcseServiceUser = 1,
    AcseServiceProvider = 2,
}
