using System.Text;
using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>The tariff file's demand charge and net metering: read exactly, and each mistake refused with its JSON path.</summary>
public sealed class TariffDemandExportReaderTests
{
    private const string Template = """
        {
          "format": "meterline-tariffs/1",
          "tariffs": [{
            "id": "commercial", "name": "Commercial", "currency": "INR", "timeZone": "Asia/Kolkata",
            "versions": [{ "effectiveFrom": "2026-01-01", "slabs": [{ "fromKwh": 0, "rate": 8.00 }]EXTRA }]
          }]
        }
        """;

    private static TariffVersion Read(string extra) =>
        TariffCatalogReader.Read(Encoding.UTF8.GetBytes(Template.Replace("EXTRA", extra, StringComparison.Ordinal))).Tariffs[0].Versions[0];

    private static List<string> Refused(string extra) =>
        [.. Assert.Throws<TariffValidationException>(() => Read(extra)).Errors.Select(e => e.ToString())];

    [Fact]
    public void Read_DemandAndNetMetering_ReadExactly()
    {
        var version = Read("""
            , "demand": { "ratePerKw": 150.50, "minimumPercentOfSanctioned": 75, "excessRatePerKw": 301, "integrationMinutes": 15 },
              "netMetering": { "mode": "net", "carryForward": true }
            """);

        Assert.Equal(new DemandCharge(150.50m, 75m, 301m, 15), version.Demand);
        Assert.Equal(new NetMetering(NetMeteringMode.Net, null, true), version.NetMetering);
    }

    [Fact]
    public void Read_DemandWithRateOnly_ThirtyMinutesNoFloorNoPenalty()
    {
        var version = Read(""", "demand": { "ratePerKw": 100 }, "netMetering": { "mode": "credit", "creditRatePerKwh": 2.25 }""");

        Assert.Equal(new DemandCharge(100m, null, null, DemandCharge.DefaultIntegrationMinutes), version.Demand);
        Assert.Equal(new NetMetering(NetMeteringMode.Credit, 2.25m, false), version.NetMetering);
    }

    [Theory]
    [InlineData("""{ "minimumPercentOfSanctioned": 75 }""", "$.tariffs[0].versions[0].demand.ratePerKw: required")]
    [InlineData("""{ "ratePerKw": -1 }""", "$.tariffs[0].versions[0].demand.ratePerKw: must not be negative (found -1)")]
    [InlineData("""{ "ratePerKw": 1, "minimumPercentOfSanctioned": 120 }""", "$.tariffs[0].versions[0].demand.minimumPercentOfSanctioned: a percentage of the sanctioned load is 0 to 100")]
    [InlineData("""{ "ratePerKw": 1, "integrationMinutes": 20 }""", "$.tariffs[0].versions[0].demand.integrationMinutes: the demand integration period is 15 or 30 minutes (found 20)")]
    [InlineData("""{ "ratePerKw": 1, "excessRate": 2 }""", "$.tariffs[0].versions[0].demand.excessRate: unknown property")]
    public void Read_DemandMistake_RefusedWithItsPath(string demand, string expected) =>
        Assert.Equal([expected], Refused($""", "demand": {demand}"""));

    [Theory]
    [InlineData("""{ "mode": "credit" }""", "$.tariffs[0].versions[0].netMetering.creditRatePerKwh: required in credit mode")]
    [InlineData("""{ "mode": "credit", "creditRatePerKwh": 2, "carryForward": true }""", "$.tariffs[0].versions[0].netMetering.carryForward: only in net mode (credit mode carries nothing forward)")]
    [InlineData("""{ "mode": "net", "creditRatePerKwh": 2 }""", "$.tariffs[0].versions[0].netMetering.creditRatePerKwh: only in credit mode (net mode credits export as kWh against import)")]
    [InlineData("""{ "mode": "net", "carryForward": "yes" }""", "$.tariffs[0].versions[0].netMetering.carryForward: expected true or false")]
    [InlineData("""{ "mode": "barter" }""", "$.tariffs[0].versions[0].netMetering.mode: unknown mode 'barter' (credit or net)")]
    [InlineData("""{ "carryForward": true }""", "$.tariffs[0].versions[0].netMetering.mode: required")]
    public void Read_NetMeteringMistake_RefusedWithItsPath(string netMetering, string expected) =>
        Assert.Equal([expected], Refused($""", "netMetering": {netMetering}"""));

    [Fact]
    public void Read_MistakesInBoth_AllReportedTogether()
    {
        var errors = Refused(""", "demand": { "ratePerKw": 1, "integrationMinutes": 60 }, "netMetering": { "mode": "credit" }""");

        Assert.Equal(2, errors.Count);
    }
}
