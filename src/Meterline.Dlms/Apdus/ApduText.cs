using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// Text for the <c>ToString</c> of APDU records: lists by their elements, and values that may carry a secret (a SET
/// value, ACTION parameters such as an HLS challenge response or a new secret) by their type only.
/// </summary>
internal static class ApduText
{
    public static string List<T>(ImmutableArray<T> items) => $"[{string.Join(", ", items.OrEmpty())}]";

    public static string Redacted(CosemData? value) => value is null ? "null" : $"<{value.Tag}, redacted>";

    public static string RedactedList(ImmutableArray<CosemData> items) =>
        $"[{string.Join(", ", items.OrEmpty().Select(Redacted))}]";
}
