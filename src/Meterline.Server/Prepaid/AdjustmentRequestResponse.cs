using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Prepaid;

/// <summary>An adjustment waiting for (or decided by) a second admin, as the API shows it.</summary>
public sealed record AdjustmentRequestResponse(
    long Id,
    string Consumer,
    decimal Amount,
    string Reason,
    string IdempotencyKey,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    string State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    long? LedgerSequence)
{
    public static AdjustmentRequestResponse From(AdjustmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.Id.Value, request.ConsumerId, request.Amount, request.Reason, request.IdempotencyKey, request.RequestedBy, request.RequestedAt,
            request.ExpiresAt, StateName(request.State), request.DecidedBy, request.DecidedAt, request.LedgerSequence);
    }

    /// <summary>The state's name in the API (and its <c>?state=</c> filter).</summary>
    public static string StateName(AdjustmentRequestState state) => state.ToString().ToLowerInvariant();
}
