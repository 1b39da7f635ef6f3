using Meterline.HeadEnd.Prepaid;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Prepaid;

/// <summary>The prepaid rules over an account and a fake clock (Asia/Kolkata, disconnects 10:00–16:00 on working days).</summary>
public sealed class PrepaidPolicyTests
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);
    private static readonly PrepaidOptions Options = new() { LowBalanceThreshold = 100m, ReconnectThreshold = 50m };

    // Friday 2026-03-13, 23:00 local.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 13, 23, 0, 0, Ist));

    [Fact]
    public void Decide_BalanceFallsBelowTheWarning_RaisesOnceThenNotAgainUntilItRisesAbove()
    {
        var account = Account(99.99m);

        var first = Decide(account);
        var again = Decide(account with { LowBalance = true, Balance = 42m });
        var risen = Decide(account with { LowBalance = true, Balance = 100.01m });
        var fallsAgain = Decide(account with { LowBalance = false, Balance = 80m });

        Assert.True(first.RaiseLowBalance);
        Assert.False(again.RaiseLowBalance);
        Assert.True(risen.ClearLowBalance);
        Assert.True(fallsAgain.RaiseLowBalance);
    }

    [Fact]
    public void Decide_CreditGoneAtNight_PostponedToTenOnTheNextWorkingDay()
    {
        var decision = Decide(Account(0m) with { LowBalance = true });

        Assert.Equal(SupplyAction.Postpone, decision.Supply);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 10, 0, 0, Ist), decision.DueAt);
    }

    [Fact]
    public void Decide_PendingAndStillBeforeTheDueMoment_NothingNew()
    {
        var pending = Account(-3m) with { LowBalance = true, Supply = PrepaidSupply.DisconnectPending, DisconnectDueAt = new DateTimeOffset(2026, 3, 16, 10, 0, 0, Ist) };
        _time.Advance(TimeSpan.FromHours(30));

        Assert.True(Decide(pending).IsNothing);
    }

    [Fact]
    public void Decide_PendingAndTheWindowOpens_DisconnectsAtTen()
    {
        var pending = Account(-3m) with { LowBalance = true, Supply = PrepaidSupply.DisconnectPending, DisconnectDueAt = new DateTimeOffset(2026, 3, 16, 10, 0, 0, Ist) };
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 16, 9, 59, 0, Ist));
        Assert.Equal(SupplyAction.None, Decide(pending).Supply);

        _time.SetUtcNow(new DateTimeOffset(2026, 3, 16, 10, 0, 0, Ist));
        Assert.Equal(SupplyAction.Disconnect, Decide(pending).Supply);
    }

    [Fact]
    public void Decide_PendingAndATopUpCame_CancelsThePendingDisconnect()
    {
        var pending = Account(20m) with { LowBalance = true, Supply = PrepaidSupply.DisconnectPending, DisconnectDueAt = new DateTimeOffset(2026, 3, 16, 10, 0, 0, Ist) };

        Assert.Equal(SupplyAction.CancelPending, Decide(pending).Supply);
    }

    [Fact]
    public void Decide_CreditGoneInTheWindow_DisconnectsNow()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 17, 11, 0, 0, Ist));

        Assert.Equal(SupplyAction.Disconnect, Decide(Account(-0.01m)).Supply);
    }

    [Fact]
    public void Decide_EmergencyCredit_DisconnectsOnlyBelowIt()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 17, 11, 0, 0, Ist));
        var options = Options with { EmergencyCredit = 25m, ReconnectThreshold = 0m };

        Assert.Equal(SupplyAction.None, PrepaidPolicy.Decide(Account(-24.99m) with { LowBalance = true }, _time.GetUtcNow(), options, Kolkata).Supply);
        Assert.Equal(SupplyAction.Disconnect, PrepaidPolicy.Decide(Account(-25m) with { LowBalance = true }, _time.GetUtcNow(), options, Kolkata).Supply);
    }

    [Theory]
    [InlineData(50.00, false)]
    [InlineData(50.01, true)]
    public void Decide_DisconnectedAtNight_ReconnectsAboveTheThresholdAtAnyHour(double balance, bool reconnect)
    {
        var account = Account((decimal)balance) with { LowBalance = true, Supply = PrepaidSupply.Disconnected, Episode = 1 };

        Assert.Equal(reconnect ? SupplyAction.Reconnect : SupplyAction.None, Decide(account).Supply);
    }

    [Fact]
    public void Decide_JustOpenedWithNoEntry_NothingEvenInTheWindow()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 17, 11, 0, 0, Ist));

        Assert.True(Decide(Account(0m) with { Entries = 0 }).IsNothing);
    }

    [Fact]
    public void Decide_ConnectedWithCredit_Nothing() => Assert.True(Decide(Account(500m)).IsNothing);

    private PrepaidDecision Decide(PrepaidAccount account) => PrepaidPolicy.Decide(account, _time.GetUtcNow(), Options, Kolkata);

    private static PrepaidAccount Account(decimal balance) =>
        new("C-1", "INR", balance, 3, false, PrepaidSupply.Connected, null, 0, null, null, DateTimeOffset.UnixEpoch, "test");
}
