using System.Text.Json;

namespace Meterline.Server.Transformers;

/// <summary>The body of PUT /api/transformers/{id}/meter: the meter (id or serial) that measures the transformer's total.</summary>
public sealed record TransformerMeterBody(JsonElement Meter);
