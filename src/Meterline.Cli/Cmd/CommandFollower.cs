using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Meterline.Cli.Api;
using Spectre.Console;

namespace Meterline.Cli.Cmd;

/// <summary>
/// Follows a command Requested → Sent → Confirmed / Failed / TimedOut by polling the API, with a live status line on
/// a terminal (one line per state change otherwise), until it ends or <c>timeout</c> passes.
/// </summary>
internal static class CommandFollower
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(1);

    /// <summary>The command as last read, and whether it reached a final state before the timeout.</summary>
    public static async Task<(JsonElement Command, bool Final)> FollowAsync(
        HeadEndClient client, long id, JsonElement current, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        var console = CliConsole.For(output);
        if (CliConsole.IsInteractive(output))
        {
            var outcome = (current, false);
            await console.Status().Spinner(Spinner.Known.Dots).StartAsync(CommandText.StatusLine(current), async context =>
            {
                outcome = await PollAsync(client, id, current, timeout, (command, elapsed) =>
                    context.Status(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{CommandText.StatusLine(command)} ({elapsed.TotalSeconds:0.0} s)"))), cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return outcome;
        }

        var last = JsonFields.Text(current, "state");
        console.WriteLine(CommandText.StatusLine(current));
        return await PollAsync(client, id, current, timeout, (command, _) =>
        {
            var state = JsonFields.Text(command, "state");
            if (state != last && !CommandText.IsFinal(command))
            {
                console.WriteLine(CommandText.StatusLine(command));
            }

            last = state;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(JsonElement Command, bool Final)> PollAsync(
        HeadEndClient client, long id, JsonElement current, TimeSpan timeout, Action<JsonElement, TimeSpan> update, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var delay = FirstPoll;
        while (!CommandText.IsFinal(current))
        {
            var left = timeout - started.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return (current, false);
            }

            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
            current = await client.GetAsync("/api/commands/" + id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            update(current, started.Elapsed);
        }

        return (current, true);
    }
}
