using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Profiles;

/// <summary>
/// One COSEM object of a meter profile: its logical name, interface class and version, a name for people, for
/// registers the physical quantity with scaler and unit, and which associations may read its attributes, write which
/// attributes, and invoke which methods — and of those writes and invocations, which must come digitally signed by
/// the head-end (general-signing) when the meter enforces signatures.
/// </summary>
public sealed record ProfileObject(
    ObisCode LogicalName,
    ushort ClassId,
    byte Version,
    string Name,
    ImmutableArray<string> Read,
    ImmutableDictionary<sbyte, ImmutableArray<string>> Write,
    ImmutableDictionary<sbyte, ImmutableArray<string>> Methods,
    string? Quantity = null,
    ScalerUnit? ScalerUnit = null)
{
    /// <summary>Of <see cref="Methods"/>, the invocations that must be signed: method index → association ids.</summary>
    public ImmutableDictionary<sbyte, ImmutableArray<string>> SignedMethods { get; init; } = ImmutableDictionary<sbyte, ImmutableArray<string>>.Empty;

    /// <summary>Of <see cref="Write"/>, the writes that must be signed: attribute index → association ids.</summary>
    public ImmutableDictionary<sbyte, ImmutableArray<string>> SignedWrite { get; init; } = ImmutableDictionary<sbyte, ImmutableArray<string>>.Empty;

    /// <summary>True when the association's invocations of method <paramref name="methodId"/> must be signed.</summary>
    public bool RequiresSignedInvoke(string associationId, sbyte methodId) =>
        SignedMethods.TryGetValue(methodId, out var callers) && callers.Contains(associationId, StringComparer.Ordinal);

    /// <summary>True when the association's writes of attribute <paramref name="attributeId"/> must be signed.</summary>
    public bool RequiresSignedWrite(string associationId, sbyte attributeId) =>
        SignedWrite.TryGetValue(attributeId, out var writers) && writers.Contains(associationId, StringComparer.Ordinal);

    /// <summary>True when the association may read the object's attributes.</summary>
    public bool CanRead(string associationId) => Read.Contains(associationId, StringComparer.Ordinal);

    /// <summary>True when the association may write attribute <paramref name="attributeId"/>.</summary>
    public bool CanWrite(string associationId, sbyte attributeId) =>
        Write.TryGetValue(attributeId, out var writers) && writers.Contains(associationId, StringComparer.Ordinal);

    /// <summary>True when the association may invoke method <paramref name="methodId"/>.</summary>
    public bool CanInvoke(string associationId, sbyte methodId) =>
        Methods.TryGetValue(methodId, out var callers) && callers.Contains(associationId, StringComparer.Ordinal);

    /// <summary>True when the object appears in the association's object list at all.</summary>
    public bool IsVisibleTo(string associationId) =>
        CanRead(associationId) || Write.Values.Any(w => w.Contains(associationId, StringComparer.Ordinal))
        || Methods.Values.Any(m => m.Contains(associationId, StringComparer.Ordinal));
}
