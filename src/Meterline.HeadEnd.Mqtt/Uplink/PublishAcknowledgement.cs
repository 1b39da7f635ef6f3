using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// The PUBACK of one QoS 1 publish, completed by the ingest pipeline (after the commit, or refused or failed): as a
/// task (<see cref="Outcome"/>), and to one callback set with <see cref="Then"/>, called on the completing thread —
/// inside the batch writer's <see cref="FrameAcknowledgementRun"/> — or at once when already complete.
/// </summary>
internal sealed class PublishAcknowledgement : IFrameAcknowledgement
{
    private static readonly Action<FrameOutcome> Completed = static _ => { };

    private readonly TaskCompletionSource<FrameOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<FrameOutcome>? _then;

    public Task<FrameOutcome> Outcome => _outcome.Task;

    public void Complete(FrameOutcome outcome)
    {
        if (!_outcome.TrySetResult(outcome))
        {
            return;
        }

        var then = Interlocked.Exchange(ref _then, Completed);
        if (then is not null && !ReferenceEquals(then, Completed))
        {
            then(outcome);
        }
    }

    /// <summary>Calls <paramref name="then"/> once with the outcome: when it comes, or now if it came already. Set at most once.</summary>
    public void Then(Action<FrameOutcome> then)
    {
        ArgumentNullException.ThrowIfNull(then);
        if (Interlocked.CompareExchange(ref _then, then, null) is not null)
        {
            // Completed already (the commit came before the worker got here).
            then(_outcome.Task.Result);
        }
    }
}
