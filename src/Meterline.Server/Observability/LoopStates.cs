using System.Collections.Concurrent;

namespace Meterline.Server.Observability;

/// <summary>What each of the node's long-running services is doing, for readiness (docs/observability.md).</summary>
public sealed class LoopStates
{
    private readonly ConcurrentDictionary<string, LoopState> _states = new(StringComparer.Ordinal);

    /// <summary>Each service's name and state, in name order.</summary>
    public IReadOnlyList<KeyValuePair<string, LoopState>> Snapshot() => [.. _states.OrderBy(pair => pair.Key, StringComparer.Ordinal)];

    internal void Set(string name, LoopState state) => _states[name] = state;
}
