using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// An operator in another process: requests commands through <see cref="CommandService"/> on the shared database
/// (what <c>POST /api/commands</c> does), for the running node's dispatcher to pick up on its next poll. Each meter's
/// relay is asked to go the other way from the last request (disconnect, connect, …), and some meters are read, so
/// that every command opens a DLMS session and reserves a block of outgoing invocation counters.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "A seeded Random picks meters and commands so that a failing run can be repeated; nothing here is secret.")]
internal sealed class CommandTraffic(CommandService commands, IReadOnlyList<HeadEnd.Meters.Meter> meters, Random random)
{
    private readonly HashSet<MeterId> _disconnected = [];
    private readonly List<CommandId> _requested = [];

    /// <summary>The commands requested so far.</summary>
    public IReadOnlyList<CommandId> Requested => _requested;

    public async Task RequestAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var meter = meters[random.Next(meters.Count)].Id;
            CommandParameters parameters;
            if (random.Next(3) == 0)
            {
                parameters = new ReadParameters([Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy]);
            }
            else if (_disconnected.Remove(meter))
            {
                parameters = new ConnectParameters();
            }
            else
            {
                _disconnected.Add(meter);
                parameters = new DisconnectParameters();
            }

            var record = await commands.RequestAsync(new CommandSubmission(meter, parameters, "crash-test"), cancellationToken);
            _requested.Add(record.Id);
        }
    }
}
