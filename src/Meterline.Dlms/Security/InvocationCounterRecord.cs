namespace Meterline.Dlms.Security;

/// <summary>The last invocation counter accepted from one sender for one key, as persisted by the caller.</summary>
public readonly record struct InvocationCounterRecord(SystemTitle Sender, KeyId KeyId, uint LastAccepted);
