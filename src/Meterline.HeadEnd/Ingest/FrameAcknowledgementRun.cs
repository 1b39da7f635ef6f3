namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The acknowledgements the batch writer completes one after another on one thread — one commit's — as a run: an
/// <see cref="IFrameAcknowledgement"/> completed inside a run may defer its sending with <see cref="TryDefer"/>, and
/// every deferred <see cref="IAcknowledgementFlush"/> is flushed once when the outermost run ends. Outside a run
/// <see cref="TryDefer"/> answers false and the acknowledgement is sent at once, so a sink that completes
/// acknowledgements without a run loses nothing. Per thread: a run must not span an <c>await</c>.
/// </summary>
public static class FrameAcknowledgementRun
{
    [ThreadStatic]
    private static List<IAcknowledgementFlush>? t_deferred;

    [ThreadStatic]
    private static int t_depth;

    /// <summary>Starts a run on this thread; disposing the result ends it (and flushes what was deferred).</summary>
    public static Scope Begin()
    {
        t_depth++;
        return new Scope(true);
    }

    /// <summary>
    /// Inside a run: remembers <paramref name="flush"/> (once) to be flushed when the run ends, and answers true.
    /// Outside: false — the caller flushes now.
    /// </summary>
    public static bool TryDefer(IAcknowledgementFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        if (t_depth == 0)
        {
            return false;
        }

        var deferred = t_deferred ??= [];
        // A run defers one flush per transport connection: a handful at most, so a list beats a set.
        foreach (var known in deferred)
        {
            if (ReferenceEquals(known, flush))
            {
                return true;
            }
        }

        deferred.Add(flush);
        return true;
    }

    private static void End()
    {
        if (--t_depth > 0 || t_deferred is not { Count: > 0 } deferred)
        {
            return;
        }

        // Cleared before flushing: a flush that completes further acknowledgements sends them itself (no run now).
        var flushes = deferred.ToArray();
        deferred.Clear();
        foreach (var flush in flushes)
        {
            flush.FlushAcknowledgements();
        }
    }

    /// <summary>An open run; ends on <see cref="Dispose"/>.</summary>
    public readonly struct Scope(bool open) : IDisposable
    {
        public void Dispose()
        {
            if (open)
            {
                End();
            }
        }
    }
}
