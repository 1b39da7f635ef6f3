namespace Meterline.HeadEnd.Prepaid;

/// <summary>A validated adjustment that waits for a second admin, before it is stored (<see cref="IPrepaidStore.CreateAdjustmentRequestAsync"/>).</summary>
public sealed record AdjustmentRequestDraft(
    string ConsumerId,
    decimal Amount,
    string Reason,
    string IdempotencyKey,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt);
