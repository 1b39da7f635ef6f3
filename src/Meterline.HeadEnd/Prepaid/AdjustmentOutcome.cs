namespace Meterline.HeadEnd.Prepaid;

/// <summary>What became of an adjustment.</summary>
public enum AdjustmentOutcome
{
    /// <summary>Posted as an adjustment entry; the balance moved with it.</summary>
    Applied = 0,

    /// <summary>An adjustment with the same idempotency key and amount was applied before: nothing changed.</summary>
    Duplicate = 1,

    /// <summary>The idempotency key was used for another entry (a different amount, or a top-up): nothing changed.</summary>
    KeyReused = 2,

    /// <summary>No account for the consumer.</summary>
    UnknownAccount = 3,

    /// <summary>The amount is zero, has more than two decimal places or is beyond the limit; or the reason or key is missing or malformed.</summary>
    Invalid = 4,

    /// <summary>
    /// Above <see cref="PrepaidOptions.AdjustmentApprovalThreshold"/>: stored as an <see cref="AdjustmentRequest"/> that
    /// waits for a second admin; nothing is posted yet. Asking again with the same key and amount answers the same request.
    /// </summary>
    AwaitingApproval = 5,
}
