using Microsoft.AspNetCore.Components;

namespace Meterline.Web.Shell;

/// <summary>
/// A page that shows what is not pushed by reading it again every <see cref="OperatorAppOptions.RefreshInterval"/>
/// (on the <see cref="TimeProvider"/>), from its first interactive render until the circuit disposes it; at most one
/// refresh runs at a time. Component code stays on the renderer's context, so it does not use ConfigureAwait(false).
/// </summary>
public abstract class RefreshingPage : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    [Inject]
    private OperatorAppOptions Options { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    /// <summary>Cancelled when the page goes away.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await DisposeLiveAsync();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Starts what the page follows live (after its first interactive render); the default follows nothing.</summary>
    protected virtual Task StartLiveAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartLiveAsync"/> started.</summary>
    protected virtual ValueTask DisposeLiveAsync() => ValueTask.CompletedTask;

    protected override Task OnInitializedAsync() => RefreshAsync(Stopping);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _loop = RunAsync();
            await StartLiveAsync();
        }
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Options.RefreshInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(Stopping))
            {
                await InvokeAsync(async () =>
                {
                    await RefreshAsync(Stopping);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            // The page went away.
        }
        catch (Exception exception)
        {
            // A failed refresh ends the circuit's error UI rather than leaving a stale page that looks live.
            await DispatchExceptionAsync(exception);
        }
    }
}
