namespace Meterline.LoadHarness;

/// <summary>
/// What <c>memory</c> runs: the fleet (its size and where it is kept, as <c>storm</c> keeps it), the transport the idle
/// meters hold connections on (<c>tcp</c>: the DLMS wrapper; <c>mqtt</c>: the embedded broker) and the connection
/// counts measured, ascending, the first usually 0. <see cref="Hold"/> keeps the node and its connections up after
/// the last step (for a heap dump of the process: <c>dotnet-gcdump collect -p</c> the printed process id).
/// </summary>
internal sealed record MemorySettings(int Meters, string? Keep, string Transport, IReadOnlyList<int> Steps, TimeSpan Hold = default)
{
    public static IReadOnlyList<string> Transports { get; } = ["tcp", "mqtt"];
}
