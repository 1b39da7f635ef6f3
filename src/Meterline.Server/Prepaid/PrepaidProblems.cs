using Meterline.Server.Problems;

namespace Meterline.Server.Prepaid;

/// <summary>The problems of the prepaid API (docs/prepaid.md).</summary>
public static class PrepaidProblems
{
    /// <summary>The consumer has no prepaid account.</summary>
    public static readonly ApiProblem UnknownAccount = new("unknown-prepaid-account", StatusCodes.Status404NotFound, "Unknown prepaid account");

    /// <summary>The top-up's amount is not positive, has more than two decimal places or is above the limit; or its reference is malformed.</summary>
    public static readonly ApiProblem InvalidTopUp = new("invalid-top-up", StatusCodes.Status400BadRequest, "Invalid top-up");

    /// <summary>The adjustment's amount is zero, has more than two decimal places or is beyond the limit; or its reason is missing or malformed.</summary>
    public static readonly ApiProblem InvalidAdjustment = new("invalid-adjustment", StatusCodes.Status400BadRequest, "Invalid adjustment");

    /// <summary>A top-up without an Idempotency-Key header (a retried top-up must be recognisable).</summary>
    public static readonly ApiProblem IdempotencyKeyRequired = new("idempotency-key-required", StatusCodes.Status400BadRequest, "Idempotency-Key required");

    /// <summary>The consumer id is malformed, or the consumer has no tariff to price its consumption with.</summary>
    public static readonly ApiProblem AccountRefused = new("prepaid-account-refused", StatusCodes.Status409Conflict, "Prepaid account refused");
}
