using Meterline.Web.Portal;
using Meterline.Web.Shell;

namespace Meterline.Web;

/// <summary>Settings of the operator app.</summary>
public sealed record OperatorAppOptions
{
    /// <summary>The utility's time zone (IANA id) every time is shown in; UTC when not set.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>
    /// The authorization policy for each page role, or null to put no policy on the pages (until the head-end
    /// authenticates operators). Applied to every page endpoint by <see cref="OperatorApp.MapOperatorApp"/>.
    /// </summary>
    public Func<OperatorRole, string>? RolePolicy { get; init; }

    /// <summary>How often the overview, the meter list, the map and the alerts inbox refresh what is not pushed.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most circuits (browser tabs) following the live feeds at once; more see the pages without live updates.</summary>
    public int MaxLiveSubscribers { get; init; } = 256;

    /// <summary>Records one live subscriber may hold unread before its oldest are dropped.</summary>
    public int LiveSubscriberCapacity { get; init; } = 1_000;

    /// <summary>The consumer portal's settings (whether consumers may record top-ups, list lengths).</summary>
    public PortalOptions Portal { get; init; } = new();

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Portal);
        Portal.Validate();
        if (TimeZoneId is not null)
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshInterval, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLiveSubscribers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LiveSubscriberCapacity, 1);
    }
}
