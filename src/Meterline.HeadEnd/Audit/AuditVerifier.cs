using System.Globalization;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Audit;

/// <summary>
/// Walks the whole audit log from its first entry, streaming, and reports the first entry that breaks the chain: a
/// sequence gap, a previous hash that is not the hash before it, or a hash that is not the hash of the entry's fields.
/// The chain alone cannot show entries cut off its end; give the last (sequence, hash) recorded elsewhere (an
/// anchor) to detect that too.
/// </summary>
public sealed class AuditVerifier
{
    private readonly IAuditStore _store;

    public AuditVerifier(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <param name="anchor">An entry known to have been written (e.g. a hash published daily): the log must reach it, with that hash.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public async Task<AuditVerification> VerifyAsync(AuditAnchor? anchor = null, CancellationToken cancellationToken = default)
    {
        var expected = 1L;
        ReadOnlyMemory<byte> previous = AuditChain.Genesis;
        var anchorSeen = false;
        await foreach (var record in _store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            var verified = expected - 1;
            if (record.Sequence != expected)
            {
                return new AuditVerification(AuditBreak.Gap, verified, expected, record.Sequence > expected
                    ? Text($"entry {expected} is missing: the next entry is {record.Sequence}")
                    : Text($"entry {record.Sequence} appears where entry {expected} was expected"));
            }

            if (!CryptographicOperations.FixedTimeEquals(record.PreviousHash.Span, previous.Span))
            {
                return new AuditVerification(AuditBreak.PreviousHashMismatch, verified, expected,
                    Text($"entry {expected} does not carry the hash of entry {expected - 1}"));
            }

            byte[] hash;
            try
            {
                hash = AuditChain.ComputeHash(record);
            }
            catch (ArgumentException)
            {
                return new AuditVerification(AuditBreak.HashMismatch, verified, expected, Text($"entry {expected} has fields no entry can have"));
            }

            if (!CryptographicOperations.FixedTimeEquals(hash, record.Hash.Span))
            {
                return new AuditVerification(AuditBreak.HashMismatch, verified, expected, Text($"entry {expected} does not match its hash: it was altered"));
            }

            if (anchor is { } a && a.Sequence == expected)
            {
                if (!CryptographicOperations.FixedTimeEquals(hash, a.Hash.Span))
                {
                    return new AuditVerification(AuditBreak.HashMismatch, verified, expected, Text($"entry {expected} is not the entry of the anchor: the log was rewritten"));
                }

                anchorSeen = true;
            }

            previous = hash;
            expected++;
        }

        if (anchor is { } required && !anchorSeen)
        {
            return new AuditVerification(AuditBreak.Truncated, expected - 1, expected,
                Text($"the log ends at entry {expected - 1}, before the anchor entry {required.Sequence}"));
        }

        return new AuditVerification(AuditBreak.None, expected - 1, null, Text($"{expected - 1} entries verified"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
