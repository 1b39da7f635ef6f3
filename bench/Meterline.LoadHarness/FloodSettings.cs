namespace Meterline.LoadHarness;

/// <summary>The flood run's settings (see <see cref="FloodRun"/>).</summary>
internal sealed record FloodSettings(string? Database, int Meters, int Pushes, TimeSpan Period, double SourceRate, double Multiple, string Scheme, int Connections, int RefusalSamples);
