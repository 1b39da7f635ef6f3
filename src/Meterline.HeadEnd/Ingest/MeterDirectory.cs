using System.Collections.Concurrent;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The registered meters by system title, in memory, so that the ingress guard answers "who is this?" without a
/// database round trip (an unknown title costs a dictionary lookup, however many arrive). Loaded from the registry
/// at start; whoever adds or changes a meter calls <see cref="Set"/>. Its size is the registry's. Thread-safe.
/// </summary>
public sealed class MeterDirectory
{
    private readonly ConcurrentDictionary<MeterSystemTitle, Meter> _byTitle = new();
    private readonly ConcurrentDictionary<MeterId, MeterSystemTitle> _titles = new();

    public int Count => _byTitle.Count;

    /// <summary>Replaces the contents with every meter of the registry.</summary>
    public async Task LoadAsync(IMeterRepository repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var loaded = new List<Meter>();
        await foreach (var meter in repository.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            loaded.Add(meter);
        }

        _byTitle.Clear();
        _titles.Clear();
        foreach (var meter in loaded)
        {
            Set(meter);
        }
    }

    public bool TryGet(MeterSystemTitle systemTitle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Meter? meter) =>
        _byTitle.TryGetValue(systemTitle, out meter);

    public bool TryGet(MeterId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Meter? meter)
    {
        meter = null;
        return _titles.TryGetValue(id, out var title) && _byTitle.TryGetValue(title, out meter);
    }

    /// <summary>Adds or replaces a meter (after registration, a registration change, a key status change).</summary>
    public void Set(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (_titles.TryGetValue(meter.Id, out var previous) && previous != meter.SystemTitle)
        {
            _byTitle.TryRemove(previous, out _);
        }

        _titles[meter.Id] = meter.SystemTitle;
        _byTitle[meter.SystemTitle] = meter;
    }

    /// <summary>Forgets a meter; its frames are then refused as from an unknown system title.</summary>
    public bool Remove(MeterId id)
    {
        if (!_titles.TryRemove(id, out var title))
        {
            return false;
        }

        _byTitle.TryRemove(title, out _);
        return true;
    }
}
