using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Commands;

/// <summary>The command service and dispatcher over in-memory ports, a test connector and a fake clock.</summary>
internal sealed class CommandHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private CancellationTokenSource? _stop;
    private Task? _running;

    public CommandHarness(CommandDispatcherOptions? options = null)
    {
        Vault = new TestKeyVault(KeyStore);
        Service = new CommandService(Commands, Meters, Audit, Time);
        Executor = new CommandExecutor(Meters, Readings, new KeyRotation(Vault, KeyStore, Vault, Meters), Time, limiters: Limiters);
        Dispatcher = new CommandDispatcher(Commands, Meters, Audit, [Connector], Executor, Time, options ?? new CommandDispatcherOptions { MaxConcurrency = 4 });
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryCommandStore Commands { get; } = new();

    public InMemoryMeterRepository Meters { get; } = new();

    public InMemoryReadingStore Readings { get; } = new();

    public InMemoryMeterKeyStore KeyStore { get; } = new();

    public RecordingAuditLog Audit { get; } = new();

    public InMemoryMeterLimiterStore Limiters { get; } = new();

    public InMemoryDemandLimitStore DemandLimits => field ??= new InMemoryDemandLimitStore(Commands);

    public TestConnector Connector { get; } = new();

    public TestKeyVault Vault { get; }

    public CommandService Service { get; }

    public CommandExecutor Executor { get; }

    public CommandDispatcher Dispatcher { get; }

    public async Task<Meter> AddMeterAsync(int number = 1, MeterEndpoint? endpoint = null)
    {
        var meter = await Meters.AddAsync(new MeterRegistration($"MTL{number:D5}", new MeterSystemTitle(0x4D544C0000000000UL + (ulong)number), "is15959-single-phase",
            Endpoint: endpoint ?? TestConnector.Endpoint));
        await Vault.ProvisionAsync(meter.Id);
        return meter;
    }

    public Task<CommandRecord> RequestAsync(MeterId meter, CommandParameters parameters, DateTimeOffset? notBefore = null, string? key = null) =>
        Service.RequestAsync(new CommandSubmission(meter, parameters, "operator-1", notBefore, key));

    public void StartDispatcher()
    {
        _stop = new CancellationTokenSource();
        _running = Dispatcher.RunAsync(_stop.Token);
    }

    public async Task StopDispatcherAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _running!.WaitAsync(Timeout);
            _stop.Dispose();
            _stop = null;
        }
    }

    /// <summary>Wakes the dispatcher until the command reaches <paramref name="state"/> (bounded in real time).</summary>
    public async Task<CommandRecord> WaitForAsync(CommandId id, CommandState state)
    {
        var until = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < until)
        {
            if (await Commands.GetAsync(id) is { } command && command.State == state)
            {
                return command;
            }

            Dispatcher.Wake();
            await Task.Delay(5);
        }

        var last = await Commands.GetAsync(id);
        throw new TimeoutException($"Command {id} is {last?.State}, not {state}; result {last?.Result}");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The condition did not hold in time");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connector.Gate?.TrySetResult();
        await StopDispatcherAsync();
        Vault.Dispose();
    }
}
