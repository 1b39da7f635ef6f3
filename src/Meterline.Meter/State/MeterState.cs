using System.Collections.Immutable;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;

namespace Meterline.Meter.State;

/// <summary>
/// What a meter keeps in non-volatile memory across a restart: its sending invocation counter's high-water mark,
/// the last counters accepted from each client and the last transaction-ids of signed requests (so a replay after a
/// restart is still refused), its keys (null once erased by a tamper) with the head-end's public key it trusts, and
/// its cumulative registers (which never go backwards, restart or not). Prints no key.
/// </summary>
public sealed record MeterState
{
    /// <summary>The sending counter restarts here: every value below it may already have been used.</summary>
    public uint OutgoingCounterMark { get; init; }

    public ImmutableArray<InvocationCounterRecord> ClientCounters { get; init; } = [];

    /// <summary>The last general-signing transaction-id accepted from each signer.</summary>
    public ImmutableArray<TransactionIdRecord> TransactionIds { get; init; } = [];

    /// <summary>The meter's keys; null when they were erased.</summary>
    public MeterKeyMaterial? Keys { get; init; }

    /// <summary>Cumulative registers by name (energy in Wh, counters), restored when the meter starts again.</summary>
    public ImmutableDictionary<string, ulong> Registers { get; init; } = ImmutableDictionary<string, ulong>.Empty;

    public bool Equals(MeterState? other) =>
        other is not null && OutgoingCounterMark == other.OutgoingCounterMark &&
        ClientCounters.SequenceEqual(other.ClientCounters) && TransactionIds.SequenceEqual(other.TransactionIds) && Equals(Keys, other.Keys) &&
        Registers.Count == other.Registers.Count && Registers.All(r => other.Registers.TryGetValue(r.Key, out var v) && v == r.Value);

    public override int GetHashCode() => HashCode.Combine(OutgoingCounterMark, ClientCounters.Length, Keys, Registers.Count);
}
