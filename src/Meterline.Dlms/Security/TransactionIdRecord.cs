namespace Meterline.Dlms.Security;

/// <summary>The last general-signing transaction-id accepted from one originator, as persisted by the caller.</summary>
public readonly record struct TransactionIdRecord(SystemTitle Originator, ulong LastAccepted);
