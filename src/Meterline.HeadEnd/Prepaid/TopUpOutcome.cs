namespace Meterline.HeadEnd.Prepaid;

/// <summary>What became of a top-up.</summary>
public enum TopUpOutcome
{
    /// <summary>Credited.</summary>
    Applied = 0,

    /// <summary>A top-up with the same idempotency key and amount was applied before: nothing changed.</summary>
    Duplicate = 1,

    /// <summary>The idempotency key was used for a different amount: nothing changed.</summary>
    KeyReused = 2,

    /// <summary>No account for the consumer.</summary>
    UnknownAccount = 3,

    /// <summary>The amount is not positive, has more than two decimal places, or is above the limit; or the key or reference is malformed.</summary>
    Invalid = 4,
}
