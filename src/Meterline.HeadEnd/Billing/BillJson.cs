using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// The stored form of a bill: one JSON document (camelCase, enums by name, decimals as JSON numbers written exactly),
/// read back into an equal <see cref="Bill"/>. Stores keep it as issued.
/// </summary>
public static class BillJson
{
    private static readonly JsonSerializerOptions Options = Create();

    public static string Serialize(Bill bill)
    {
        ArgumentNullException.ThrowIfNull(bill);
        return JsonSerializer.Serialize(bill, Options);
    }

    public static Bill Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<Bill>(json, Options) ?? throw new JsonException("A stored bill is a JSON object.");
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { MaxDepth = 16 };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new BillingMonthJsonConverter());
        options.Converters.Add(new MeterIdJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
