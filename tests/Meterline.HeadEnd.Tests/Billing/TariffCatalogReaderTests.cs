using System.Text;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>The tariff file: the documented example reads; every mistake is reported with its JSON path.</summary>
public sealed class TariffCatalogReaderTests
{
    private const string Valid = """
        {
          "format": "meterline-tariffs/1",
          "defaultTariff": "domestic",
          "tariffs": [{
            "id": "domestic", "name": "Domestic", "currency": "INR", "timeZone": "Asia/Kolkata",
            "versions": [{
              "effectiveFrom": "2026-01-01",
              "slabs": [SLABS],
              "zones": [ZONES],
              "fixedCharge": { "monthly": 50.00, "perSanctionedKw": 20.00 },
              "taxes": [{ "name": "Duty", "base": "energyCharge", "percent": 5 }]
            }]
          }],
          "assignments": [{ "consumer": "C-1", "tariff": "domestic", "sanctionedLoadKw": 3 }]
        }
        """;

    private const string Slabs = """{ "fromKwh": 0, "toKwh": 100, "rate": 3.00 }, { "fromKwh": 100, "toKwh": 200, "rate": 4.50 }, { "fromKwh": 200, "rate": 6.00 }""";
    private const string Zones = """{ "name": "peak", "register": 2, "windows": ["18:00-22:00"], "percent": 20 }, { "name": "night", "register": 3, "windows": ["22:00-06:00"], "ratePerKwh": -0.5 }""";

    private static TariffCatalog Read(string slabs = Slabs, string zones = Zones, Func<string, string>? edit = null)
    {
        var json = Valid.Replace("SLABS", slabs, StringComparison.Ordinal).Replace("ZONES", zones, StringComparison.Ordinal);
        return TariffCatalogReader.Read(Encoding.UTF8.GetBytes(edit?.Invoke(json) ?? json));
    }

    private static TariffError Refused(string slabs = Slabs, string zones = Zones, Func<string, string>? edit = null)
    {
        var errors = Assert.Throws<TariffValidationException>(() => Read(slabs, zones, edit)).Errors;
        Assert.True(errors.Count == 1, string.Join("; ", errors));
        return errors[0];
    }

    [Fact]
    public async Task ReadFileAsync_TheDocumentedExample_ReadsEveryPart()
    {
        var catalog = await TariffCatalogReader.ReadFileAsync(FindExample()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["domestic", "commercial", "commercial-demand", "domestic-solar"], catalog.Tariffs.Select(t => t.Id));
        var domestic = catalog.Find("domestic")!;
        Assert.Equal(2, domestic.Versions.Count);
        Assert.Equal([3.00m, 4.50m, 6.00m], domestic.Versions[0].Slabs.Select(s => s.Rate));
        Assert.Equal(["peak", "off-peak"], domestic.Versions[0].Zones.Select(z => z.Name));
        Assert.Equal(MidpointRounding.AwayFromZero, catalog.Find("commercial")!.Versions[0].Rounding);
        Assert.Equal("domestic", catalog.DefaultTariffId);
        Assert.Equal(new DemandCharge(150.00m, 75m, 300.00m, 30), catalog.Find("commercial-demand")!.Versions[0].Demand);
        Assert.Equal(new NetMetering(NetMeteringMode.Net, null, true), catalog.Find("domestic-solar")!.Versions[0].NetMetering);
    }

    [Fact]
    public void Read_ValidFile_DecimalsExactAndAssignmentsResolved()
    {
        var catalog = Read();
        var meter = new Meter(new MeterId(1), "S1", new MeterSystemTitle(1), "p", "C-1", null, null, null, null, SecurityLevel.AuthenticatedEncrypted, RelayState.Connected, CommunicationStatus.Unknown, null, KeyStatus.Active, 1);

        Assert.True(catalog.TryResolve(meter, out var tariff, out var load));
        Assert.Equal(("domestic", 3m), (tariff.Id, load!.Value));
        Assert.True(catalog.TryResolve(meter with { ConsumerId = "C-2" }, out tariff, out load));
        Assert.Equal(("domestic", (decimal?)null), (tariff.Id, load));
        Assert.False(catalog.TryResolve(meter with { ConsumerId = null }, out _, out _));
        var zone = catalog.Tariffs[0].Versions[0].Zones[1];
        Assert.Equal((TouAdjustmentKind.RatePerKwh, -0.5m, 22 * 60, 6 * 60), (zone.Kind, zone.Adjustment, zone.Windows[0].StartMinute, zone.Windows[0].EndMinute));
    }

    [Fact]
    public void Read_OverlappingSlabs_RefusedWithThePath()
    {
        var error = Refused(slabs: """{ "fromKwh": 0, "toKwh": 100, "rate": 3 }, { "fromKwh": 90, "rate": 4.5 }""");

        Assert.Equal("$.tariffs[0].versions[0].slabs[1].fromKwh", error.Path);
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GapBetweenSlabs_RefusedWithThePath()
    {
        var error = Refused(slabs: """{ "fromKwh": 0, "toKwh": 100, "rate": 3 }, { "fromKwh": 101, "rate": 4.5 }""");

        Assert.Equal("$.tariffs[0].versions[0].slabs[1].fromKwh", error.Path);
        Assert.Contains("gap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LastSlabClosed_Refused()
    {
        var error = Refused(slabs: """{ "fromKwh": 0, "toKwh": 100, "rate": 3 }""");

        Assert.Equal("$.tariffs[0].versions[0].slabs[0].toKwh", error.Path);
    }

    [Fact]
    public void Read_NegativeRate_RefusedWithThePath()
    {
        var error = Refused(slabs: """{ "fromKwh": 0, "toKwh": 100, "rate": 3 }, { "fromKwh": 100, "rate": -4.5 }""");

        Assert.Equal("$.tariffs[0].versions[0].slabs[1].rate", error.Path);
        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownZoneRegister_RefusedWithThePath()
    {
        var error = Refused(zones: """{ "name": "peak", "register": 9, "windows": ["18:00-22:00"], "percent": 20 }""");

        Assert.Equal("$.tariffs[0].versions[0].zones[0].register", error.Path);
        Assert.Contains("unknown zone register 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OverlappingZoneWindows_Refused()
    {
        var error = Refused(zones: """{ "name": "peak", "register": 2, "windows": ["18:00-22:00"], "percent": 20 }, { "name": "night", "register": 3, "windows": ["21:00-06:00"], "percent": -10 }""");

        Assert.Equal("$.tariffs[0].versions[0].zones[1].windows[0]", error.Path);
        Assert.Contains("peak", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Asia/Kolkata\"", "\"Mars/Olympus\"", "$.tariffs[0].timeZone")]
    [InlineData("\"tariff\": \"domestic\"", "\"tariff\": \"industrial\"", "$.assignments[0].tariff")]
    [InlineData("\"defaultTariff\": \"domestic\"", "\"defaultTariff\": \"none\"", "$.defaultTariff")]
    [InlineData("\"base\": \"energyCharge\"", "\"base\": \"income\"", "$.tariffs[0].versions[0].taxes[0].base")]
    [InlineData("\"effectiveFrom\": \"2026-01-01\"", "\"effectiveFrom\": \"2026-13-01\"", "$.tariffs[0].versions[0].effectiveFrom")]
    [InlineData("\"currency\": \"INR\"", "\"currency\": \"rupees\"", "$.tariffs[0].currency")]
    [InlineData("\"monthly\": 50.00", "\"monthly\": \"50\"", "$.tariffs[0].versions[0].fixedCharge.monthly")]
    [InlineData("\"monthly\": 50.00", "\"monthy\": 50.00", "$.tariffs[0].versions[0].fixedCharge.monthy")]
    [InlineData("meterline-tariffs/1", "meterline-tariffs/2", "$.format")]
    public void Read_OneMistake_RefusedWithItsPath(string from, string to, string path)
    {
        var error = Refused(edit: json => json.Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Read_SeveralMistakes_AllReportedTogether()
    {
        var e = Assert.Throws<TariffValidationException>(() => Read(
            slabs: """{ "fromKwh": 0, "toKwh": 100, "rate": -3 }, { "fromKwh": 150, "rate": 4.5 }""",
            zones: """{ "name": "peak", "register": 0, "windows": ["25:00-26:00"], "percent": 20 }"""));

        Assert.Equal(
            ["$.tariffs[0].versions[0].slabs[0].rate", "$.tariffs[0].versions[0].slabs[1].fromKwh", "$.tariffs[0].versions[0].zones[0].register", "$.tariffs[0].versions[0].zones[0].windows[0]"],
            e.Errors.Select(x => x.Path).Order(StringComparer.Ordinal));
        Assert.Contains("slabs[0].rate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotJson_RefusedAtTheRoot()
    {
        var e = Assert.Throws<TariffValidationException>(() => TariffCatalogReader.Read("{ \"format\": "u8.ToArray()));

        Assert.Equal("$", Assert.Single(e.Errors).Path);
    }

    private static string FindExample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "examples", "tariffs.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/examples/tariffs.json not found above " + AppContext.BaseDirectory);
    }
}
