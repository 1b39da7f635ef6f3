using System.Diagnostics.Metrics;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// The dispatcher's instruments (meter <see cref="MeterName"/>): each state a command reaches, by kind and state, and
/// the time from request to a final state (docs/observability.md).
/// </summary>
public sealed class CommandMetrics : IDisposable
{
    public const string MeterName = "Meterline.HeadEnd.Commands";

    private readonly System.Diagnostics.Metrics.Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _duration;

    /// <param name="meterFactory">The host's meter factory; without one the instruments live on a meter this object owns.</param>
    public CommandMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new System.Diagnostics.Metrics.Meter(MeterName);
        _transitions = _meter.CreateCounter<long>("meterline.commands.transitions", "{command}", "Commands reaching a state (Sent, Confirmed, Failed, TimedOut), by kind and state.");
        _duration = _meter.CreateHistogram<double>(
            "meterline.commands.duration", "s", "Time from a command's request to its final state, by kind and state.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal void OnTransition(CommandRecord command, CommandState state, DateTimeOffset now)
    {
        var kind = new KeyValuePair<string, object?>("kind", command.Kind.ToString());
        var to = new KeyValuePair<string, object?>("state", state.ToString());
        _transitions.Add(1, kind, to);
        if (state is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled)
        {
            _duration.Record(Math.Max(0, (now - command.RequestedAt).TotalSeconds), kind, to);
        }
    }
}
