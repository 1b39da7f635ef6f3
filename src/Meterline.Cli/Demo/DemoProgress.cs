using System.Globalization;
using Spectre.Console;

namespace Meterline.Cli.Demo;

/// <summary>
/// Shows the demo as it runs until <c>until</c> completes: on an interactive console a Spectre.Console live view —
/// the status table and the story so far — refreshed every quarter second; otherwise (redirected output, tests) each
/// story line as it happens and a status line every interval.
/// </summary>
internal static class DemoProgress
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>Story lines kept on screen in the live view (the oldest scroll away).</summary>
    private const int VisibleStory = 14;

    public static async Task ShowAsync(DemoSession session, TextWriter output, TimeSpan interval, Task until)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(until);
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await ShowLiveAsync(session, until).ConfigureAwait(false);
            return;
        }

        var time = TimeProvider.System;
        var lastStatus = time.GetTimestamp();
        while (true)
        {
            var done = until.IsCompleted;
            while (session.Story.Lines.TryRead(out var line))
            {
                await output.WriteLineAsync(DemoReport.StoryText(line)).ConfigureAwait(false);
            }

            if (done || time.GetElapsedTime(lastStatus) >= interval)
            {
                lastStatus = time.GetTimestamp();
                await output.WriteLineAsync(DemoReport.StatusLine(session.Snapshot())).ConfigureAwait(false);
            }

            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (done)
            {
                return;
            }

            await Task.WhenAny(until, Task.Delay(Tick, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private static async Task ShowLiveAsync(DemoSession session, Task until)
    {
        string[] rows = ["simulated time", "meters reporting", "readings stored", "events (alerts)", "tamper alarms", "pushes over Zigbee", "frames rejected", "disconnect command"];
        var status = new Table().Border(TableBorder.Rounded).Title("[bold]meterline demo[/]").AddColumn("head-end").AddColumn(new TableColumn("now").RightAligned());
        foreach (var row in rows)
        {
            status.AddRow(row, string.Empty);
        }

        var story = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("real").RightAligned()).AddColumn("simulated").AddColumn("what happened");

        // The story above the status: when the terminal is too short, the oldest story lines are cropped first.
        await AnsiConsole.Live(new Rows(story, status)).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Top).StartAsync(async context =>
        {
            while (true)
            {
                var done = until.IsCompleted;
                var s = session.Snapshot();
                string[] values =
                [
                    s.SimulatedTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{s.MetersReporting} of {s.MetersRegistered}"),
                    Format(s.ReadingsStored), Format(s.Events), Format(s.TamperAlarms),
                    s.ZigbeePushes is { } zigbee ? Format(zigbee) : "no Zigbee meters",
                    Format(s.FramesRejected),
                    s.Command ?? "none yet",
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    status.UpdateCell(i, 1, Markup.Escape(values[i]));
                }

                while (session.Story.Lines.TryRead(out var line))
                {
                    if (story.Rows.Count == VisibleStory)
                    {
                        story.RemoveRow(0);
                    }

                    var text = Markup.Escape(line.Text);
                    story.AddRow(
                        string.Create(CultureInfo.InvariantCulture, $"{line.Elapsed.TotalSeconds:0.0} s"),
                        line.SimulatedTime.ToString("HH:mm", CultureInfo.InvariantCulture),
                        line.Text.StartsWith("TAMPER", StringComparison.Ordinal) ? $"[red]{text}[/]" : line.Text.Contains("Confirmed", StringComparison.Ordinal) ? $"[green]{text}[/]" : text);
                }

                context.Refresh();
                if (done)
                {
                    return;
                }

                await Task.WhenAny(until, Task.Delay(Tick, CancellationToken.None)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
