namespace Meterline.HeadEnd.Testing;

/// <summary>
/// The managed heap's live bytes: what a full, blocking, compacting collection kept, summed over the generations as
/// size after the collection less its free space. <see cref="GC.GetTotalMemory(bool)"/> is not used: under the regions
/// GC it subtracts the free space of every generation-0 region from the span of only some of them, so with regions
/// held by pinned buffers (sockets, SQLite) it under-reports by megabytes from one call to the next and can go negative
/// (dotnet/runtime#106712). Compiled into test and benchmark projects as a linked file.
/// </summary>
public static class LiveHeap
{
    /// <summary>Collects everything collectable (finalizers run in between), then returns the bytes that collection kept.</summary>
    public static long Measure()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        long live = 0;
        foreach (var generation in info.GenerationInfo)
        {
            live += generation.SizeAfterBytes - generation.FragmentationAfterBytes;
        }

        return live;
    }
}
