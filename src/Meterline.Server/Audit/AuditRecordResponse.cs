using System.Text.Json;
using Meterline.HeadEnd.Audit;

namespace Meterline.Server.Audit;

/// <summary>One audit entry: who did what to what, its JSON detail (never a secret), and its place in the hash chain (hex).</summary>
public sealed record AuditRecordResponse(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, JsonElement? Detail, string PreviousHash, string Hash)
{
    public static AuditRecordResponse From(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new AuditRecordResponse(record.Sequence, record.At, record.Actor, record.Action, record.Subject, ParseDetail(record.Detail),
            Convert.ToHexString(record.PreviousHash.Span), Convert.ToHexString(record.Hash.Span));
    }

    private static JsonElement? ParseDetail(string detail)
    {
        if (string.IsNullOrEmpty(detail))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(detail);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(detail);
        }
    }
}
