using System.CommandLine;
using System.Globalization;
using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Cli.Serve;

/// <summary>The prepaid options of <c>meterline serve</c> (docs/prepaid.md), turned into the node's <see cref="PrepaidOptions"/>.</summary>
internal sealed class PrepaidServeOptions
{
    public Option<bool> NoPrepaid { get; } = new("--no-prepaid") { Description = "Do not run prepaid accounts (docs/prepaid.md): no deduction loop, no prepaid API" };

    public Option<string?> LowBalance { get; } = new("--prepaid-low-balance") { Description = "Warn (alert category prepaid) when a balance falls to this amount; default 100" };

    public Option<string?> EmergencyCredit { get; } = new("--prepaid-emergency-credit") { Description = "Credit below zero before a prepaid disconnect; default 0" };

    public Option<string?> ReconnectThreshold { get; } = new("--prepaid-reconnect-above") { Description = "Reconnect a disconnected consumer when a top-up brings the balance above this; default 0" };

    public Option<string?> Hours { get; } = new("--prepaid-disconnect-hours") { Description = "Local hours when prepaid disconnects may happen, HH:mm-HH:mm; default 10:00-16:00" };

    public Option<string[]> Holidays { get; } = new("--prepaid-holiday") { Description = "A date (yyyy-MM-dd) with no prepaid disconnects (repeatable)" };

    public Option<bool> Weekends { get; } = new("--prepaid-weekends") { Description = "Allow prepaid disconnects on Saturdays and Sundays (default: not)" };

    public Option<string?> TimeZone { get; } = new("--prepaid-time-zone") { Description = "IANA time zone of the disconnect hours; default: the consumer's tariff's" };

    public Option<string?> AdjustmentApproval { get; } = new("--prepaid-adjustment-approval-above") { Description = "An adjustment of more than this amount (either way) waits for a second admin's approval; default: none does" };

    public IEnumerable<Option> All => [NoPrepaid, LowBalance, EmergencyCredit, ReconnectThreshold, Hours, Holidays, Weekends, TimeZone, AdjustmentApproval];

    public PrepaidOptions? ToOptions(ParseResult result)
    {
        if (result.GetValue(NoPrepaid))
        {
            return null;
        }

        var defaults = new PrepaidOptions();
        var hours = defaults.Window.Hours;
        if (result.GetValue(Hours) is { } text && !TouWindow.TryParse(text, out hours))
        {
            throw new CommandException($"--prepaid-disconnect-hours {text}: expected HH:mm-HH:mm, e.g. 10:00-16:00", ExitCodes.Usage);
        }

        var holidays = new HashSet<DateOnly>();
        foreach (var day in result.GetValue(Holidays) ?? [])
        {
            holidays.Add(DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new CommandException($"--prepaid-holiday {day}: expected yyyy-MM-dd", ExitCodes.Usage));
        }

        var options = defaults with
        {
            LowBalanceThreshold = Amount(result, LowBalance, defaults.LowBalanceThreshold),
            EmergencyCredit = Amount(result, EmergencyCredit, defaults.EmergencyCredit),
            ReconnectThreshold = Amount(result, ReconnectThreshold, defaults.ReconnectThreshold),
            Window = new DisconnectWindow(hours, holidays, result.GetValue(Weekends)),
            TimeZoneId = result.GetValue(TimeZone),
            AdjustmentApprovalThreshold = result.GetValue(AdjustmentApproval) is null ? null : Amount(result, AdjustmentApproval, 0m),
        };
        try
        {
            options.Validate();
        }
        catch (Exception e) when (e is ArgumentException or TimeZoneNotFoundException)
        {
            throw new CommandException("prepaid options: the emergency credit and the adjustment approval amount are not negative, the reconnect and warning thresholds are not below the disconnect threshold, and the time zone is known", ExitCodes.Usage);
        }

        return options;
    }

    private static decimal Amount(ParseResult result, Option<string?> option, decimal fallback) =>
        result.GetValue(option) is not { } text ? fallback
        : decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw new CommandException($"{option.Name} {text}: expected an amount, e.g. 100.00", ExitCodes.Usage);
}
