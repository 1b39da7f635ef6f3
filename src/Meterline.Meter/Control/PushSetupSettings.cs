using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// The configuration of one "Push setup" (Blue Book 4.4.8, class 40 v0): push_object_list (at most
/// <see cref="MaxObjects"/>), send_destination_and_method, communication_window (at most <see cref="MaxWindows"/>;
/// empty = always), randomisation_start_interval (s), number_of_retries, repetition_delay (s).
/// </summary>
public sealed record PushSetupSettings(
    ImmutableArray<CaptureObjectDefinition> ObjectList,
    PushDestination Destination,
    ImmutableArray<CommunicationWindow> Windows,
    ushort RandomisationStartInterval,
    byte NumberOfRetries,
    ushort RepetitionDelay)
{
    /// <summary>Most objects one push carries.</summary>
    public const int MaxObjects = 32;

    /// <summary>Most communication windows.</summary>
    public const int MaxWindows = 8;

    /// <summary>Nothing to push, no destination, always in window, no retries.</summary>
    public static PushSetupSettings Empty { get; } = new([], PushDestination.Unconfigured, [], 0, 0, 0);

    /// <summary>True when every member is within the bounds this class accepts.</summary>
    public bool IsValid =>
        !ObjectList.IsDefault && ObjectList.Length <= MaxObjects
        && Destination is { IsValid: true }
        && !Windows.IsDefault && Windows.Length <= MaxWindows && Windows.All(w => w.IsValid);

    public bool Equals(PushSetupSettings? other) =>
        other is not null
        && ObjectList.SequenceEqual(other.ObjectList)
        && Destination.Equals(other.Destination)
        && Windows.SequenceEqual(other.Windows)
        && RandomisationStartInterval == other.RandomisationStartInterval
        && NumberOfRetries == other.NumberOfRetries
        && RepetitionDelay == other.RepetitionDelay;

    public override int GetHashCode() =>
        HashCode.Combine(ObjectList.Length, Destination, Windows.Length, RandomisationStartInterval, NumberOfRetries, RepetitionDelay);
}
