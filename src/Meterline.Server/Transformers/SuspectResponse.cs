namespace Meterline.Server.Transformers;

/// <summary>A ranked consumer meter of a balance (docs/analytics.md "Energy balance" explains the score).</summary>
public sealed record SuspectResponse(int Rank, int Meter, string? Serial, double Score, double? Correlation, double DeficitEnergy, int OpenAlerts,
    double? HiddenShare, double? Coefficient, double? HiddenEnergy, double? Confidence);
