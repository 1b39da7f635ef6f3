using Meterline.HeadEnd.Meters;
using RegisteredMeter = Meterline.HeadEnd.Meters.Meter;
using Meterline.Web.Map;
using Meterline.Web.Shell;

namespace Meterline.Web.Tests.Units;

public sealed class MeterConditionsTests
{
    [Theory]
    [InlineData(RelayState.Connected, CommunicationStatus.Online, false, MeterCondition.Normal)]
    [InlineData(RelayState.Connected, CommunicationStatus.Online, true, MeterCondition.Alert)]
    [InlineData(RelayState.Disconnected, CommunicationStatus.Offline, true, MeterCondition.Alert)]
    [InlineData(RelayState.Disconnected, CommunicationStatus.Offline, false, MeterCondition.Disconnected)]
    [InlineData(RelayState.ReadyForReconnection, CommunicationStatus.Online, false, MeterCondition.Disconnected)]
    [InlineData(RelayState.Unknown, CommunicationStatus.Unknown, false, MeterCondition.NoCommunication)]
    [InlineData(RelayState.Connected, CommunicationStatus.Offline, false, MeterCondition.NoCommunication)]
    [InlineData(RelayState.Unknown, CommunicationStatus.Online, false, MeterCondition.Normal)]
    public void Of_StateAndAlert_OneConditionInOrder(RelayState relay, CommunicationStatus communication, bool alert, MeterCondition expected)
    {
        Assert.Equal(expected, MeterConditions.Of(Meter(1, relay, communication), alert));
    }

    [Fact]
    public void TransformerSite_From_CentroidOfItsLocatedMetersWithTheirFeeder()
    {
        RegisteredMeter[] meters =
        [
            Meter(1, location: new GeoLocation(10, 20), transformer: "T1", feeder: "F1"),
            Meter(2, location: new GeoLocation(12, 22), transformer: "T1", feeder: "F1"),
            Meter(3, location: null, transformer: "T1", feeder: "F1"),
            Meter(4, location: new GeoLocation(0, 0), transformer: null),
        ];

        var site = Assert.Single(TransformerSite.From(meters));

        Assert.Equal("T1", site.Id);
        Assert.Equal("F1", site.FeederId);
        Assert.Equal(11, site.Location.Latitude, 9);
        Assert.Equal(21, site.Location.Longitude, 9);
        Assert.Equal([1, 2], site.Meters.Select(m => m.Id.Value));
    }

    private static RegisteredMeter Meter(
        int id,
        RelayState relay = RelayState.Connected,
        CommunicationStatus communication = CommunicationStatus.Online,
        GeoLocation? location = null,
        string? transformer = null,
        string? feeder = null) =>
        new(new MeterId(id), $"MTL{id:00000000}", MeterSystemTitle.Parse($"4D544C00000000{id:00}"), "is15959-single-phase", null, location, transformer, feeder,
            null, SecurityLevel.AuthenticatedEncrypted, relay, communication, null, KeyStatus.Active, 1);
}
