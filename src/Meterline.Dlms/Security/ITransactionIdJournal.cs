namespace Meterline.Dlms.Security;

/// <summary>
/// Durable record of the transaction-ids a <see cref="TransactionIdGuard"/> accepts. <see cref="TryRecord"/> must not
/// return true before the record is durable: the signed request it belongs to is served right after.
/// </summary>
public interface ITransactionIdJournal
{
    /// <summary>Records that <paramref name="record"/> was accepted; false when it could not be recorded.</summary>
    bool TryRecord(TransactionIdRecord record);
}
