using Microsoft.AspNetCore.Components;

namespace Meterline.Web.Shell;

/// <summary>
/// A page that shows the <see cref="SharedFleetSnapshot"/> (the overview, the map): the current snapshot on its first
/// render, then each new one while the circuit lives, without reading the fleet itself. Component code stays on the
/// renderer's context, so it does not use ConfigureAwait(false).
/// </summary>
public abstract class FleetPage : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private FleetWatch? _watch;
    private Task? _follow;

    [Inject]
    private SharedFleetSnapshot Fleet { get; set; } = default!;

    /// <summary>What the page shows, once it has been read.</summary>
    protected FleetSnapshot? Snapshot { get; private set; }

    /// <summary>False when too many circuits watch already: the page shows the snapshot of its first render only.</summary>
    protected bool Following { get; private set; } = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _watch?.Dispose();
        if (_follow is not null)
        {
            await _follow;
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Called on the renderer's context with each snapshot shown, before the page renders it.</summary>
    protected virtual void OnSnapshot(FleetSnapshot snapshot)
    {
    }

    protected override async Task OnInitializedAsync()
    {
        Snapshot = await Fleet.GetAsync(_stop.Token);
        OnSnapshot(Snapshot);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _watch = Fleet.Watch();
            Following = _watch is not null;
            if (_watch is null)
            {
                StateHasChanged();
                return;
            }

            _follow = FollowAsync(_watch);
        }
    }

    private async Task FollowAsync(FleetWatch watch)
    {
        try
        {
            await foreach (var snapshot in watch.Updates.ReadAllAsync(_stop.Token))
            {
                await InvokeAsync(() =>
                {
                    Snapshot = snapshot;
                    OnSnapshot(snapshot);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The page went away.
        }
    }
}
