namespace Meterline.Server.Prepaid;

/// <summary>The body of a top-up: the amount in the account's currency (at most two decimal places) and the payment's reference, if any.</summary>
public sealed record TopUpRequestBody(decimal? Amount, string? Reference);
