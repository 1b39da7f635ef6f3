namespace Meterline.Server.Prepaid;

/// <summary>The body of an adjustment: the signed amount (credit positive, debit negative; at most two decimal places) and the mandatory reason.</summary>
public sealed record AdjustmentRequestBody(decimal? Amount, string? Reason);
