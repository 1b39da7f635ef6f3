namespace Meterline.Dlms.Acse;

/// <summary>
/// The DLMS/COSEM application context names, the last arc of {joint-iso-ccitt(2) country(16) country-name(756)
/// identified-organization(5) DLMS-UA(8) application-context(1) context_id(N)} (Green Book, "COSEM application
/// context names"), encoded <c>60 85 74 05 08 01 0N</c>. A context id inside the DLMS UA arc that is not listed here
/// is carried as its number, so that a server can answer application-context-name-not-supported.
/// </summary>
public enum ApplicationContextName : byte
{
    LogicalNameReferencingNoCiphering = 1,
    ShortNameReferencingNoCiphering = 2,
    LogicalNameReferencingWithCiphering = 3,
    ShortNameReferencingWithCiphering = 4,
}
