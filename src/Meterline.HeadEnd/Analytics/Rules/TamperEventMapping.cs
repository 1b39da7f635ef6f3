namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// One tamper event of the meter profile's event table (profiles/*.json): its occurrence code, the restoration code that
/// ends it (none for one-shot events such as cover open), a name and the severity of its alert.
/// </summary>
public sealed record TamperEventMapping(int OccurrenceCode, int? RestorationCode, string Name, AlertSeverity Severity);
