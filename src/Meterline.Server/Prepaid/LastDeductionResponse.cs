namespace Meterline.Server.Prepaid;

/// <summary>The newest deduction: its amount (negative: money taken) and when.</summary>
public sealed record LastDeductionResponse(decimal Amount, DateTimeOffset At);
