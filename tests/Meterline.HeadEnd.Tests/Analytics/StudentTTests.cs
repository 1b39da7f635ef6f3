using Meterline.HeadEnd.Analytics.Balance;

namespace Meterline.HeadEnd.Tests.Analytics;

/// <summary>Student's t upper tail against the two-sided 5 % and 1 % critical values of the printed tables.</summary>
public sealed class StudentTTests
{
    [Theory]
    [InlineData(12.706, 1, 0.025)]
    [InlineData(4.303, 2, 0.025)]
    [InlineData(3.182, 3, 0.025)]
    [InlineData(2.776, 4, 0.025)]
    [InlineData(2.571, 5, 0.025)]
    [InlineData(2.228, 10, 0.025)]
    [InlineData(63.657, 1, 0.005)]
    [InlineData(9.925, 2, 0.005)]
    [InlineData(5.841, 3, 0.005)]
    [InlineData(4.604, 4, 0.005)]
    [InlineData(2.845, 20, 0.005)]
    public void UpperTail_TableCriticalValue_GivesItsTail(double t, int degreesOfFreedom, double tail)
    {
        Assert.Equal(tail, StudentT.UpperTail(t, degreesOfFreedom), 4);
        Assert.Equal(1 - tail, StudentT.UpperTail(-t, degreesOfFreedom), 4);
    }

    [Fact]
    public void UpperTail_EdgeValues_Bounded()
    {
        Assert.Equal(0.5, StudentT.UpperTail(0, 3), 12);
        Assert.Equal(0, StudentT.UpperTail(double.PositiveInfinity, 3));
        Assert.Equal(1, StudentT.UpperTail(double.NegativeInfinity, 3));
        Assert.InRange(StudentT.UpperTail(1e6, 999), 0, 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.UpperTail(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.UpperTail(1, StudentT.MaxDegreesOfFreedom + 1));
    }
}
