namespace Meterline.Server.Portal;

/// <summary>The signed-in consumer: their name, consumer id and meters' serials.</summary>
public sealed record MeResponse(string Name, string ConsumerId, IReadOnlyList<string> Meters);
