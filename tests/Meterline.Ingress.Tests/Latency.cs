namespace Meterline.Ingress.Tests;

/// <summary>Delivery and percentiles of measured latencies (NaN: lost).</summary>
internal sealed record Latency(int Sent, int Delivered, double P50, double P99)
{
    public double DeliveredShare => (double)Delivered / Sent;

    public static Latency Of(IReadOnlyCollection<double> latencies)
    {
        var delivered = latencies.Where(double.IsFinite).Order().ToArray();
        return new Latency(latencies.Count, delivered.Length, Percentile(delivered, 0.50), Percentile(delivered, 0.99));
    }

    public override string ToString() => FormattableString.Invariant($"{Delivered}/{Sent} delivered, p50 {P50:0.0} ms, p99 {P99:0.0} ms");

    private static double Percentile(double[] sorted, double share) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
}
