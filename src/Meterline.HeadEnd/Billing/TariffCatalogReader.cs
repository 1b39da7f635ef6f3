using System.Globalization;
using System.Text.Json;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Reads and validates a tariff file (format <c>meterline-tariffs/1</c>, docs/billing.md). Every error is collected
/// with its JSON path and reported together in one <see cref="TariffValidationException"/>: overlapping slabs, gaps
/// between slabs, a negative rate, an unknown tariff register or tariff, overlapping zone windows, an unknown property.
/// Numbers are read as decimals from the JSON text (never through double).
/// </summary>
public static class TariffCatalogReader
{
    public const string Format = "meterline-tariffs/1";

    /// <summary>The largest tariff file read.</summary>
    public const int MaxBytes = 1 << 20;

    public static async Task<TariffCatalog> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No tariff file at {path}.", path);
        }

        if (info.Length > MaxBytes)
        {
            throw new TariffValidationException([new TariffError("$", $"the file is larger than {MaxBytes} bytes")]);
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Read(bytes);
    }

    public static TariffCatalog Read(ReadOnlyMemory<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new TariffValidationException([new TariffError("$", $"the file is larger than {MaxBytes} bytes")]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new TariffValidationException([new TariffError("$", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})")]);
        }

        using (document)
        {
            var reader = new Reader();
            var catalog = reader.Catalog(document.RootElement);
            return reader.Errors.Count > 0 || catalog is null ? throw new TariffValidationException(reader.Errors) : catalog;
        }
    }

    private sealed class Reader
    {
        public List<TariffError> Errors { get; } = [];

        public TariffCatalog? Catalog(JsonElement root)
        {
            if (!Object(root, "$", ["format", "defaultTariff", "tariffs", "assignments"]))
            {
                return null;
            }

            if (Text(root, "$", "format", required: true) is { } format && format != Format)
            {
                Error("$.format", $"unknown format '{format}' (expected {Format})");
            }

            var tariffs = new List<Tariff>();
            var declared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (item, path) in Array(root, "$", "tariffs", required: true))
            {
                // A tariff with a mistake of its own is still declared: references to it are not reported again.
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    declared.Add(id.GetString()!);
                }

                if (Tariff(item, path) is { } tariff)
                {
                    if (tariffs.Any(t => t.Id == tariff.Id))
                    {
                        Error(path + ".id", $"tariff '{tariff.Id}' is defined twice");
                    }
                    else
                    {
                        tariffs.Add(tariff);
                    }
                }
            }

            var defaultTariff = Text(root, "$", "defaultTariff", required: false);
            if (defaultTariff is not null && !declared.Contains(defaultTariff))
            {
                Error("$.defaultTariff", $"unknown tariff '{defaultTariff}'");
            }

            var assignments = new List<TariffAssignment>();
            foreach (var (item, path) in Array(root, "$", "assignments", required: false))
            {
                if (!Object(item, path, ["consumer", "tariff", "sanctionedLoadKw"]))
                {
                    continue;
                }

                var consumer = Text(item, path, "consumer", required: true);
                var tariff = Text(item, path, "tariff", required: true);
                var load = Number(item, path, "sanctionedLoadKw", required: false, nonNegative: true);
                if (tariff is not null && !declared.Contains(tariff))
                {
                    Error(path + ".tariff", $"unknown tariff '{tariff}'");
                    continue;
                }

                if (consumer is not null && assignments.Any(a => a.ConsumerId == consumer))
                {
                    Error(path + ".consumer", $"consumer '{consumer}' is assigned twice");
                    continue;
                }

                if (consumer is not null && tariff is not null)
                {
                    assignments.Add(new TariffAssignment(consumer, tariff, load));
                }
            }

            return Errors.Count == 0 ? new TariffCatalog(tariffs, assignments, defaultTariff) : null;
        }

        private Tariff? Tariff(JsonElement item, string path)
        {
            if (!Object(item, path, ["id", "name", "currency", "timeZone", "versions"]))
            {
                return null;
            }

            var errors = Errors.Count;
            var id = Text(item, path, "id", required: true);
            var name = Text(item, path, "name", required: true);
            var currency = Text(item, path, "currency", required: true);
            if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
            {
                Error(path + ".currency", $"'{currency}' is not an ISO 4217 code (three capital letters)");
            }

            var zoneId = Text(item, path, "timeZone", required: true);
            if (zoneId is not null)
            {
                try
                {
                    _ = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
                }
                catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
                {
                    Error(path + ".timeZone", $"unknown time zone '{zoneId}' (an IANA id such as Asia/Kolkata)");
                }
            }

            var versions = new List<TariffVersion>();
            foreach (var (element, versionPath) in Array(item, path, "versions", required: true))
            {
                if (Version(element, versionPath) is { } version)
                {
                    if (versions.Count > 0 && version.EffectiveFrom <= versions[^1].EffectiveFrom)
                    {
                        Error(versionPath + ".effectiveFrom", "versions are in increasing order of effectiveFrom");
                    }

                    versions.Add(version);
                }
            }

            return Errors.Count == errors ? new Tariff(id!, name!, currency!, zoneId!, versions) : null;
        }

        private TariffVersion? Version(JsonElement item, string path)
        {
            if (!Object(item, path, ["effectiveFrom", "rounding", "slabs", "zones", "fixedCharge", "taxes", "demand", "netMetering"]))
            {
                return null;
            }

            var errors = Errors.Count;
            var effective = default(DateOnly);
            if (Text(item, path, "effectiveFrom", required: true) is { } date
                && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out effective))
            {
                Error(path + ".effectiveFrom", $"'{date}' is not a date (yyyy-MM-dd)");
            }

            var rounding = MidpointRounding.ToEven;
            switch (Text(item, path, "rounding", required: false))
            {
                case null or "halfEven":
                    break;
                case "halfAwayFromZero":
                    rounding = MidpointRounding.AwayFromZero;
                    break;
                case { } other:
                    Error(path + ".rounding", $"unknown rounding '{other}' (halfEven or halfAwayFromZero)");
                    break;
            }

            var slabs = Slabs(item, path);
            var zones = Zones(item, path);
            var fixedCharge = FixedCharge.None;
            if (item.TryGetProperty("fixedCharge", out var fixedElement) && Object(fixedElement, path + ".fixedCharge", ["monthly", "perSanctionedKw"]))
            {
                fixedCharge = new FixedCharge(
                    Number(fixedElement, path + ".fixedCharge", "monthly", required: false, nonNegative: true) ?? 0m,
                    Number(fixedElement, path + ".fixedCharge", "perSanctionedKw", required: false, nonNegative: true) ?? 0m);
            }

            var taxes = new List<TaxRule>();
            foreach (var (element, taxPath) in Array(item, path, "taxes", required: false))
            {
                if (Tax(element, taxPath) is { } tax)
                {
                    taxes.Add(tax);
                }
            }

            var demand = Demand(item, path);
            var netMetering = NetMetering(item, path);
            return Errors.Count == errors ? new TariffVersion(effective, slabs, zones, fixedCharge, taxes, rounding) { Demand = demand, NetMetering = netMetering } : null;
        }

        private List<EnergySlab> Slabs(JsonElement item, string path)
        {
            var slabs = new List<EnergySlab>();
            var items = Array(item, path, "slabs", required: true);
            if (items.Count == 0 && item.TryGetProperty("slabs", out _))
            {
                Error(path + ".slabs", "a tariff version has at least one slab");
            }

            decimal? previousTo = 0m;
            for (var i = 0; i < items.Count; i++)
            {
                var (element, slabPath) = items[i];
                if (!Object(element, slabPath, ["fromKwh", "toKwh", "rate"]))
                {
                    return slabs;
                }

                var from = Number(element, slabPath, "fromKwh", required: true, nonNegative: true);
                var to = Number(element, slabPath, "toKwh", required: false, nonNegative: true);
                var rate = Number(element, slabPath, "rate", required: true, nonNegative: true);
                if (from is null)
                {
                    return slabs;
                }

                if (previousTo is null)
                {
                    Error(slabPath, "no slab may follow an open-ended slab (one without toKwh)");
                    return slabs;
                }

                if (from < previousTo)
                {
                    Error(slabPath + ".fromKwh", i == 0 ? "the first slab starts at 0" : $"overlaps the previous slab, which ends at {previousTo} kWh");
                }
                else if (from > previousTo)
                {
                    Error(slabPath + ".fromKwh", i == 0 ? "the first slab starts at 0" : $"leaves a gap after the previous slab, which ends at {previousTo} kWh");
                }

                if (to is not null && to <= from)
                {
                    Error(slabPath + ".toKwh", "ends after it starts");
                }

                if (to is not null && i == items.Count - 1)
                {
                    Error(slabPath + ".toKwh", "the last slab is open-ended (no toKwh), so that every kWh has a price");
                }

                if (rate is not null)
                {
                    slabs.Add(new EnergySlab(from.Value, to, rate.Value));
                }

                previousTo = to;
            }

            return slabs;
        }

        private List<TouZone> Zones(JsonElement item, string path)
        {
            var zones = new List<TouZone>();
            var owner = new string?[1440];
            foreach (var (element, zonePath) in Array(item, path, "zones", required: false))
            {
                if (!Object(element, zonePath, ["name", "register", "windows", "percent", "ratePerKwh"]))
                {
                    continue;
                }

                var name = Text(element, zonePath, "name", required: true);
                var register = Integer(element, zonePath, "register");
                if (register is not null and not (>= 1 and <= 8))
                {
                    Error(zonePath + ".register", $"unknown zone register {register}: zones map to the meter's tariff registers 1.0.1.8.1 to 1.0.1.8.8 (1 to 8)");
                    register = null;
                }
                else if (register is not null && zones.Any(z => z.Register == register))
                {
                    Error(zonePath + ".register", $"register {register} is used by another zone");
                }

                if (name is not null && zones.Any(z => z.Name == name))
                {
                    Error(zonePath + ".name", $"zone '{name}' is defined twice");
                }

                var percent = Number(element, zonePath, "percent", required: false, nonNegative: false);
                var rate = Number(element, zonePath, "ratePerKwh", required: false, nonNegative: false);
                if ((percent is null) == (rate is null))
                {
                    Error(zonePath, "give exactly one of percent (of the zone's share of the energy charge) and ratePerKwh");
                }
                else if (percent < -100m)
                {
                    Error(zonePath + ".percent", "a rebate is at most 100 %");
                }

                var windows = new List<TouWindow>();
                foreach (var (windowElement, windowPath) in Array(element, zonePath, "windows", required: true))
                {
                    if (windowElement.ValueKind != JsonValueKind.String || !TouWindow.TryParse(windowElement.GetString(), out var window))
                    {
                        Error(windowPath, "a window is \"HH:mm-HH:mm\" of local time (24:00 allowed as its end)");
                        continue;
                    }

                    for (var minute = 0; minute < 1440; minute++)
                    {
                        if (window.Contains(minute))
                        {
                            if (owner[minute] is { } other)
                            {
                                Error(windowPath, $"overlaps zone '{other}' at {minute / 60:D2}:{minute % 60:D2}");
                                break;
                            }

                            owner[minute] = name ?? "?";
                        }
                    }

                    windows.Add(window);
                }

                if (name is not null && register is not null && (percent is null) != (rate is null))
                {
                    zones.Add(new TouZone(name, register.Value, windows, percent is null ? TouAdjustmentKind.RatePerKwh : TouAdjustmentKind.Percent, percent ?? rate!.Value));
                }
            }

            return zones;
        }

        private DemandCharge? Demand(JsonElement item, string path)
        {
            if (!item.TryGetProperty("demand", out var element) || !Object(element, path += ".demand", ["ratePerKw", "minimumPercentOfSanctioned", "excessRatePerKw", "integrationMinutes"]))
            {
                return null;
            }

            var rate = Number(element, path, "ratePerKw", required: true, nonNegative: true);
            var minimum = Number(element, path, "minimumPercentOfSanctioned", required: false, nonNegative: true);
            if (minimum > 100m)
            {
                Error(path + ".minimumPercentOfSanctioned", "a percentage of the sanctioned load is 0 to 100");
            }

            var excess = Number(element, path, "excessRatePerKw", required: false, nonNegative: true);
            var minutes = DemandCharge.DefaultIntegrationMinutes;
            if (element.TryGetProperty("integrationMinutes", out _))
            {
                switch (Integer(element, path, "integrationMinutes"))
                {
                    case int valid when valid is 15 or 30:
                        minutes = valid;
                        break;
                    case { } given:
                        Error(path + ".integrationMinutes", $"the demand integration period is 15 or 30 minutes (found {given})");
                        break;
                }
            }

            return rate is null ? null : new DemandCharge(rate.Value, minimum, excess, minutes);
        }

        private NetMetering? NetMetering(JsonElement item, string path)
        {
            if (!item.TryGetProperty("netMetering", out var element) || !Object(element, path += ".netMetering", ["mode", "creditRatePerKwh", "carryForward"]))
            {
                return null;
            }

            var rate = Number(element, path, "creditRatePerKwh", required: false, nonNegative: true);
            bool? carryForward = null;
            if (element.TryGetProperty("carryForward", out var carry))
            {
                if (carry.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    carryForward = carry.GetBoolean();
                }
                else
                {
                    Error(path + ".carryForward", "expected true or false");
                }
            }

            switch (Text(element, path, "mode", required: true))
            {
                case null:
                    return null;
                case "credit":
                    if (rate is null && !element.TryGetProperty("creditRatePerKwh", out _))
                    {
                        Error(path + ".creditRatePerKwh", "required in credit mode");
                    }

                    if (carryForward is not null)
                    {
                        Error(path + ".carryForward", "only in net mode (credit mode carries nothing forward)");
                    }

                    return rate is null ? null : new NetMetering(NetMeteringMode.Credit, rate, false);
                case "net":
                    if (element.TryGetProperty("creditRatePerKwh", out _))
                    {
                        Error(path + ".creditRatePerKwh", "only in credit mode (net mode credits export as kWh against import)");
                    }

                    return new NetMetering(NetMeteringMode.Net, null, carryForward ?? false);
                case { } other:
                    Error(path + ".mode", $"unknown mode '{other}' (credit or net)");
                    return null;
            }
        }

        private TaxRule? Tax(JsonElement item, string path)
        {
            if (!Object(item, path, ["name", "base", "percent", "rate"]))
            {
                return null;
            }

            var name = Text(item, path, "name", required: true);
            var percent = Number(item, path, "percent", required: false, nonNegative: true);
            var rate = Number(item, path, "rate", required: false, nonNegative: true);
            TaxBase? taxBase = Text(item, path, "base", required: true) switch
            {
                null => null,
                "energyCharge" => TaxBase.EnergyCharge,
                "subtotal" => TaxBase.Subtotal,
                "perKwh" => TaxBase.PerKwh,
                var unknown => Unknown(unknown),
            };

            if (taxBase is null)
            {
                return null;
            }

            var value = taxBase == TaxBase.PerKwh ? rate : percent;
            var excess = taxBase == TaxBase.PerKwh ? percent : rate;
            if (value is null || excess is not null)
            {
                Error(path, taxBase == TaxBase.PerKwh ? "a perKwh tax has a rate and no percent" : "a percentage tax has a percent and no rate");
                return null;
            }

            return name is null ? null : new TaxRule(name, taxBase.Value, value.Value);

            TaxBase? Unknown(string text)
            {
                Error(path + ".base", $"unknown base '{text}' (energyCharge, subtotal or perKwh)");
                return null;
            }
        }

        private bool Object(JsonElement element, string path, string[] allowed)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, "expected an object");
                return false;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (System.Array.IndexOf(allowed, property.Name) < 0)
                {
                    Error($"{path}.{property.Name}", "unknown property");
                }
            }

            return true;
        }

        private string? Text(JsonElement element, string path, string name, bool required)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Error($"{path}.{name}", "required");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()) || value.GetString()!.Length > 128)
            {
                Error($"{path}.{name}", "expected a string of 1 to 128 characters");
                return null;
            }

            return value.GetString();
        }

        private decimal? Number(JsonElement element, string path, string name, bool required, bool nonNegative)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Error($"{path}.{name}", "required");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
            {
                Error($"{path}.{name}", "expected a number");
                return null;
            }

            if (nonNegative && number < 0)
            {
                Error($"{path}.{name}", $"must not be negative (found {number.ToString(CultureInfo.InvariantCulture)})");
                return null;
            }

            return number;
        }

        private int? Integer(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                Error($"{path}.{name}", "required");
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                Error($"{path}.{name}", "expected a whole number");
                return null;
            }

            return number;
        }

        private List<(JsonElement Item, string Path)> Array(JsonElement element, string path, string name, bool required)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Error($"{path}.{name}", "required");
                }

                return [];
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Error($"{path}.{name}", "expected an array");
                return [];
            }

            return [.. value.EnumerateArray().Select((item, i) => (item, string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{i}]")))];
        }

        private void Error(string path, string message)
        {
            if (Errors.Count < 100)
            {
                Errors.Add(new TariffError(path, message));
            }
        }
    }
}
