using Meterline.HeadEnd.Meters;
using Meterline.Web.Map;

namespace Meterline.Web.Tests.Units;

public sealed class MapProjectionTests
{
    [Fact]
    public void Project_Corners_FitInsideTheMarginNorthUp()
    {
        GeoLocation[] points = [new(18.50, 73.80), new(18.56, 73.90)];
        var projection = new MapProjection(points, 1000, 600, 40);

        var (southWestX, southWestY) = projection.Project(points[0]);
        var (northEastX, northEastY) = projection.Project(points[1]);

        Assert.True(southWestX >= 40 && northEastX <= 960, $"{southWestX} {northEastX}");
        Assert.True(northEastY >= 40 && southWestY <= 560, $"{northEastY} {southWestY}");
        Assert.True(northEastY < southWestY, "north is up");
        Assert.True(northEastX > southWestX, "east is right");
    }

    [Fact]
    public void Project_EqualGroundDistances_EqualOnTheMap()
    {
        // 0.01° of latitude and 0.01°/cos(latitude) of longitude are the same distance on the ground.
        var latitude = 60.0;
        var east = 0.01 / Math.Cos(latitude * Math.PI / 180);
        GeoLocation[] points = [new(latitude, 10), new(latitude + 0.01, 10), new(latitude, 10 + east)];
        var projection = new MapProjection(points, 800, 800, 0);

        var origin = projection.Project(points[0]);
        var north = projection.Project(points[1]);
        var eastPoint = projection.Project(points[2]);

        Assert.Equal(origin.Y - north.Y, eastPoint.X - origin.X, 0);
    }

    [Fact]
    public void Project_OnePoint_CentredInTheBox()
    {
        var projection = new MapProjection([new GeoLocation(10, 20)], 1000, 600, 40);
        var (x, y) = projection.Project(new GeoLocation(10, 20));
        Assert.Equal(500, x, 3);
        Assert.Equal(300, y, 3);
    }
}
