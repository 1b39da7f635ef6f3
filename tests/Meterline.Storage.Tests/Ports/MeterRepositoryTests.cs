using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>The meter registry, run against each engine by its concrete subclasses.</summary>
public abstract class MeterRepositoryTests : StorageTestBase
{
    [Fact]
    public async Task AddAsync_FullRegistration_RoundTripsEveryField()
    {
        var registration = new MeterRegistration(
            "MTL00000042", MeterSystemTitle.Parse("4D544C000000002A"), "is15959-three-phase", "CONS-7", new GeoLocation(12.971599, 77.594566),
            "TR-12", "FD-3", new MeterEndpoint("dlms+tcp://10.1.2.3:4059?wport=1"), SecurityLevel.AuthenticatedEncryptedSigned);

        var added = await Storage.Meters.AddAsync(registration, Token);

        var expected = new Meter(added.Id, registration.Serial, registration.SystemTitle, registration.ProfileId, registration.ConsumerId, registration.Location,
            registration.TransformerId, registration.FeederId, registration.Endpoint, registration.SecurityLevel, RelayState.Unknown, CommunicationStatus.Unknown,
            null, KeyStatus.Active, 1);
        Assert.Equal(expected, added);
        Assert.Equal(expected, await Storage.Meters.GetAsync(added.Id, Token));
        Assert.Equal(expected, await Storage.Meters.FindBySerialAsync("MTL00000042", Token));
        Assert.Equal(expected, await Storage.Meters.FindBySystemTitleAsync(registration.SystemTitle, Token));
    }

    [Fact]
    public async Task AddAsync_MinimalRegistration_RoundTripsNullsAndAssignsIncreasingIds()
    {
        var first = await AddMeterAsync(1);
        var second = await AddMeterAsync(2);

        Assert.True(second.Id.Value > first.Id.Value);
        var read = await Storage.Meters.GetAsync(first.Id, Token);
        Assert.NotNull(read);
        Assert.Null(read.ConsumerId);
        Assert.Null(read.Location);
        Assert.Null(read.Endpoint);
        Assert.Null(read.LastHeardAt);
        Assert.Equal(first, read);
        Assert.Null(await Storage.Meters.GetAsync(new MeterId(999), Token));
        Assert.Null(await Storage.Meters.FindBySerialAsync("nope", Token));
    }

    [Fact]
    public async Task AddAsync_DuplicateSerial_ThrowsDuplicateMeterExceptionAndStoresNothing()
    {
        await AddMeterAsync(1);

        var clash = Registration(2) with { Serial = Registration(1).Serial };
        var e = await Assert.ThrowsAsync<DuplicateMeterException>(() => Storage.Meters.AddAsync(clash, Token));

        Assert.Contains("serial MTL00000001", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await Storage.Meters.CountAsync(Token));
        Assert.Null(await Storage.Meters.FindBySystemTitleAsync(clash.SystemTitle, Token));
    }

    [Fact]
    public async Task AddAsync_DuplicateSystemTitle_ThrowsDuplicateMeterExceptionAndStoresNothing()
    {
        await AddMeterAsync(1);

        var clash = Registration(2) with { SystemTitle = Registration(1).SystemTitle };
        var e = await Assert.ThrowsAsync<DuplicateMeterException>(() => Storage.Meters.AddAsync(clash, Token));

        Assert.Contains("system title 4D544C0000000001", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await Storage.Meters.CountAsync(Token));
        Assert.Null(await Storage.Meters.FindBySerialAsync(clash.Serial, Token));
    }

    [Fact]
    public async Task AddAsync_EmptySerial_ThrowsArgumentExceptionAndStoresNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Meters.AddAsync(Registration(1) with { Serial = " " }, Token));
        Assert.Equal(0, await Storage.Meters.CountAsync(Token));
    }

    [Fact]
    public async Task ListAsync_ManyMetersInSmallPages_ReturnsEachOnceInIdOrder()
    {
        for (var n = 1; n <= 53; n++)
        {
            await AddMeterAsync(n);
        }

        var seen = new List<MeterId>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Storage.Meters.ListAsync(new MeterFilter(), 10, token, Token);
            Assert.InRange(page.Items.Count, 1, 10);
            seen.AddRange(page.Items.Select(m => m.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Equal(6, pages);
        Assert.Equal(53, seen.Count);
        Assert.Equal(seen.OrderBy(id => id.Value), seen);
        Assert.Equal(53, seen.Distinct().Count());
    }

    [Fact]
    public async Task ListAsync_ExactlyOnePageOfRows_HasNoNextToken()
    {
        for (var n = 1; n <= 5; n++)
        {
            await AddMeterAsync(n);
        }

        var page = await Storage.Meters.ListAsync(new MeterFilter(), 5, null, Token);

        Assert.Equal(5, page.Items.Count);
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task ListAsync_Filters_ReturnOnlyMetersMatchingEveryCondition()
    {
        var a = await Storage.Meters.AddAsync(Registration(1) with { ConsumerId = "ACC-100", TransformerId = "TR-1", FeederId = "FD-1" }, Token);
        var b = await Storage.Meters.AddAsync(Registration(2) with { Serial = "XYZ_2", TransformerId = "TR-1", FeederId = "FD-2" }, Token);
        var c = await Storage.Meters.AddAsync(Registration(3) with { TransformerId = "TR-2" }, Token);
        await Storage.Meters.SetRelayStateAsync(c.Id, RelayState.Disconnected, Token);
        await Storage.Meters.MarkHeardAsync([new(b.Id, T0)], Token);

        async Task<int[]> Ids(MeterFilter filter) => (await Storage.Meters.ListAsync(filter, 100, null, Token)).Items.Select(m => m.Id.Value).ToArray();

        Assert.Equal([a.Id.Value, c.Id.Value], await Ids(new MeterFilter(Search: "mtl")));
        Assert.Equal([a.Id.Value], await Ids(new MeterFilter(Search: "acc-1")));
        Assert.Equal([b.Id.Value], await Ids(new MeterFilter(Search: "4d544c0000000002")));
        Assert.Equal([b.Id.Value], await Ids(new MeterFilter(Search: "XYZ_")));
        Assert.Empty(await Ids(new MeterFilter(Search: "XYZ%")));
        Assert.Empty(await Ids(new MeterFilter(Search: "MTL_")));
        Assert.Equal([a.Id.Value, b.Id.Value], await Ids(new MeterFilter(TransformerId: "TR-1")));
        Assert.Equal([b.Id.Value], await Ids(new MeterFilter(TransformerId: "TR-1", FeederId: "FD-2")));
        Assert.Equal([b.Id.Value], await Ids(new MeterFilter(Communication: CommunicationStatus.Online)));
        Assert.Equal([c.Id.Value], await Ids(new MeterFilter(RelayState: RelayState.Disconnected)));
        Assert.Empty(await Ids(new MeterFilter(Search: "ACC", RelayState: RelayState.Disconnected)));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("AAAA")]
    [InlineData("IQAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task ListAsync_BadPageToken_ThrowsArgumentException(string token)
    {
        await AddMeterAsync(1);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Meters.ListAsync(new MeterFilter(), 10, token, Token));
    }

    [Fact]
    public async Task ListAsync_PageSizeOutOfRange_ThrowsArgumentOutOfRange()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Meters.ListAsync(new MeterFilter(), 0, null, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Meters.ListAsync(new MeterFilter(), 1001, null, Token));
    }

    [Fact]
    public async Task ReadAllAsync_MoreThanOneInternalPage_ReturnsEveryMeterInIdOrder()
    {
        await using var other = await OpenAnotherAsync();
        for (var n = 1; n <= 600; n++)
        {
            await Storage.Meters.AddAsync(Registration(n), Token);
        }

        var all = await ToListAsync(Storage.Meters.ReadAllAsync(Token));

        Assert.Equal(600, all.Count);
        Assert.Equal(Enumerable.Range(1, 600).Select(n => $"MTL{n:D8}"), all.Select(m => m.Serial));
        Assert.Equal(600, await other.Meters.CountAsync(Token));
    }

    [Fact]
    public async Task UpdateRegistrationAsync_ReplacesRegistrationFields_KeepsIdentityAndState()
    {
        var meter = await AddMeterAsync(1);
        await Storage.Meters.SetRelayStateAsync(meter.Id, RelayState.Connected, Token);

        var changed = new MeterRegistration("IGNORED", new MeterSystemTitle(99), "is15959-three-phase", "C-9", new GeoLocation(-33.5, 151.25), "TR-9", "FD-9",
            new MeterEndpoint("zigbee://0013A20040A1B2C3"), SecurityLevel.AuthenticatedEncryptedSigned);
        await Storage.Meters.UpdateRegistrationAsync(meter.Id, changed, Token);

        var read = await Storage.Meters.GetAsync(meter.Id, Token);
        Assert.Equal(
            meter with
            {
                ProfileId = changed.ProfileId, ConsumerId = "C-9", Location = changed.Location, TransformerId = "TR-9", FeederId = "FD-9", Endpoint = changed.Endpoint,
                SecurityLevel = SecurityLevel.AuthenticatedEncryptedSigned, RelayState = RelayState.Connected,
            },
            read);
    }

    [Fact]
    public async Task TrySetRelayStateAsync_OnlyWhenStillExpected()
    {
        var meter = await AddMeterAsync(1);
        await Storage.Meters.SetRelayStateAsync(meter.Id, RelayState.Connected, Token);

        Assert.False(await Storage.Meters.TrySetRelayStateAsync(meter.Id, RelayState.Disconnected, RelayState.ReadyForReconnection, Token));
        Assert.Equal(RelayState.Connected, (await Storage.Meters.GetAsync(meter.Id, Token))!.RelayState);
        Assert.True(await Storage.Meters.TrySetRelayStateAsync(meter.Id, RelayState.Connected, RelayState.ReadyForReconnection, Token));
        Assert.Equal(RelayState.ReadyForReconnection, (await Storage.Meters.GetAsync(meter.Id, Token))!.RelayState);
        Assert.False(await Storage.Meters.TrySetRelayStateAsync(new MeterId(77), RelayState.Connected, RelayState.Disconnected, Token));
    }

    [Fact]
    public async Task Updates_UnknownMeter_ThrowKeyNotFoundException()
    {
        var unknown = new MeterId(77);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Meters.UpdateRegistrationAsync(unknown, Registration(1), Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Meters.SetRelayStateAsync(unknown, RelayState.Connected, Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Meters.SetCommunicationAsync(unknown, CommunicationStatus.Offline, Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Meters.SetKeyStatusAsync(unknown, KeyStatus.Compromised, null, Token));
        Assert.Equal(0, await Storage.Meters.CountAsync(Token));
    }

    [Fact]
    public async Task MarkHeardAsync_EarlierTime_NeverOverwritesLater()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var later = T0.AddTicks(1_234_560);

        await Storage.Meters.MarkHeardAsync([new(a.Id, later), new(new MeterId(999), T0)], Token);
        await Storage.Meters.MarkHeardAsync([new(a.Id, T0), new(b.Id, T0)], Token);

        var readA = await Storage.Meters.GetAsync(a.Id, Token);
        var readB = await Storage.Meters.GetAsync(b.Id, Token);
        Assert.Equal(later, readA!.LastHeardAt);
        Assert.Equal(CommunicationStatus.Online, readA.Communication);
        Assert.Equal(T0, readB!.LastHeardAt);
    }

    [Fact]
    public async Task MarkHeardAsync_MoreMetersThanOneStatementHolds_MarksEachAtItsOwnTime()
    {
        var meters = new List<Meter>();
        for (var i = 1; i <= 600; i++)
        {
            meters.Add(await AddMeterAsync(i));
        }

        await Storage.Meters.MarkHeardAsync([.. meters.Select((m, i) => new KeyValuePair<MeterId, DateTimeOffset>(m.Id, T0.AddSeconds(i)))], Token);

        for (var i = 0; i < meters.Count; i++)
        {
            var read = await Storage.Meters.GetAsync(meters[i].Id, Token);
            Assert.Equal(T0.AddSeconds(i), read!.LastHeardAt);
            Assert.Equal(CommunicationStatus.Online, read.Communication);
        }
    }

    [Fact]
    public async Task MarkHeardAsync_OneMeterTwiceInOneCall_KeepsTheLaterTime()
    {
        var meter = await AddMeterAsync(1);

        await Storage.Meters.MarkHeardAsync([new(meter.Id, T0.AddMinutes(5)), new(meter.Id, T0)], Token);

        Assert.Equal(T0.AddMinutes(5), (await Storage.Meters.GetAsync(meter.Id, Token))!.LastHeardAt);
    }

    [Fact]
    public async Task MarkHeardAsync_SubMicrosecondTicks_AreDroppedExactlyToTheMicrosecond()
    {
        var meter = await AddMeterAsync(1);

        await Storage.Meters.MarkHeardAsync([new(meter.Id, T0.AddTicks(15))], Token);

        Assert.Equal(T0.AddTicks(10), (await Storage.Meters.GetAsync(meter.Id, Token))!.LastHeardAt);
    }

    [Fact]
    public async Task SetKeyStatusAsync_WithNewGeneration_SetsBoth_WithoutKeepsGeneration()
    {
        var meter = await AddMeterAsync(1);

        await Storage.Meters.SetKeyStatusAsync(meter.Id, KeyStatus.Rotating, 2, Token);
        Assert.Equal((KeyStatus.Rotating, 2), await StatusOf(meter.Id));

        await Storage.Meters.SetKeyStatusAsync(meter.Id, KeyStatus.Compromised, null, Token);
        Assert.Equal((KeyStatus.Compromised, 2), await StatusOf(meter.Id));

        await Storage.Meters.SetCommunicationAsync(meter.Id, CommunicationStatus.Offline, Token);
        Assert.Equal(CommunicationStatus.Offline, (await Storage.Meters.GetAsync(meter.Id, Token))!.Communication);
    }

    private async Task<(KeyStatus, int)> StatusOf(MeterId id)
    {
        var meter = await Storage.Meters.GetAsync(id, Token);
        return (meter!.KeyStatus, meter.KeyGeneration);
    }
}
