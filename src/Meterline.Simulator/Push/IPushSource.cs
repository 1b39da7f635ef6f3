using Meterline.Meter.Push;

namespace Meterline.Simulator.Push;

/// <summary>A meter as <see cref="PushPump"/> sees it: pushes due for an attempt, and the outcome of each attempt.</summary>
public interface IPushSource
{
    /// <summary>Takes the next push due for an attempt, ciphered afresh; it stays in flight until completed.</summary>
    bool TryTakePush(out PushMessage message);

    /// <summary>Ends an attempt: a delivered push leaves the meter, a failed one waits for its retry.</summary>
    void CompletePush(long sequence, bool delivered);
}
