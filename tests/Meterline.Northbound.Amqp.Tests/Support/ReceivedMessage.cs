using System.Text.Json;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>A message as a consumer received it: the AMQP properties the schema promises and the JSON body.</summary>
public sealed record ReceivedMessage(string RoutingKey, string? MessageId, string? Type, string? ContentType, bool Persistent, long Timestamp, object? SchemaHeader, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
