namespace Meterline.Meter.Metrology;

/// <summary>
/// A seeded, reproducible household load. <see cref="Load"/> is a pure function of (profile, local time): the same
/// profile gives the same numbers for the same instant however the caller steps, jumps or repeats. Each appliance is
/// a two-state Markov process in one-minute steps whose switching rates follow the time of day, weekday or weekend,
/// and season (Indian climate: air conditioning peaking April–June and lighter in the monsoon, water heaters and
/// room heaters December–February, fans March–October; morning and evening peaks, low at night, an emptier house on
/// weekday working hours and a later morning at weekends). Each local day is generated from a hash of (seed, date,
/// appliance), starting from the switching process's stationary state at midnight, so no day depends on another; the
/// current day is kept in a preallocated bit table, so evaluating the load allocates nothing. Power is constant
/// within a minute of the local wall clock, with a small per-minute ripple.
/// </summary>
/// <remarks>
/// The time passed is the household's local time: the date and time of day are read as written in its offset
/// (India: +05:30). Powers are at nominal voltage; <see cref="MetrologyEngine"/> scales them with the supply voltage.
/// Not thread-safe (the day table is a cache); use one model per meter.
/// </remarks>
public sealed class HouseholdLoadModel : ILoadSource
{
    private const int MinutesPerDay = 1440;
    private const int WordsPerDay = (MinutesPerDay + 63) / 64;
    private const ulong DayStream = 0xDA11_5C4E_D01E_0001UL;
    private const ulong RippleStream = 0x0B1E_0F15_E000_0002UL;

    private readonly ApplianceUnit[] _units;
    private readonly double[] _reactivePerWatt;
    private readonly double _baseWatts;
    private readonly double _baseReactivePerWatt;
    private readonly ulong _seed;
    private readonly ulong[] _dayBits;
    private DateOnly _day;
    private bool _hasDay;
    private bool _weekend;
    private long _minute = long.MinValue;
    private HouseholdLoad _load;

    /// <param name="profile">The household.</param>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is null.</exception>
    public HouseholdLoadModel(HouseholdProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        _seed = (ulong)profile.Seed;
        var units = ApplianceCatalog.Build(profile.Seed, profile.Appliances, profile.Rooms);
        var baseWatts = ApplianceCatalog.BaseLoadWatts(profile.Seed, profile.Rooms);
        var scale = profile.ConnectedLoadKw / HouseholdProfile.RatedLoadKw(profile.Seed, profile.Appliances, profile.Rooms);
        _baseWatts = baseWatts * scale;
        _baseReactivePerWatt = Math.Sqrt(1 - (ApplianceCatalog.BaseLoadPowerFactor * ApplianceCatalog.BaseLoadPowerFactor)) / ApplianceCatalog.BaseLoadPowerFactor;
        _units = new ApplianceUnit[units.Length];
        _reactivePerWatt = new double[units.Length];
        for (var i = 0; i < units.Length; i++)
        {
            _units[i] = units[i] with { RatedWatts = units[i].RatedWatts * scale };
            _reactivePerWatt[i] = units[i].ReactivePerWatt;
        }

        _dayBits = new ulong[Math.Max(1, units.Length) * WordsPerDay];
    }

    /// <summary>The household.</summary>
    public HouseholdProfile Profile { get; }

    /// <summary>The number of simulated appliance units (lights and fans count once per circuit).</summary>
    public int ApplianceCount => _units.Length;

    /// <summary>The household's active power at <paramref name="localTime"/>, W, at nominal voltage.</summary>
    public double ActivePowerWatts(DateTimeOffset localTime) => Load(localTime).ActiveWatts;

    /// <summary>The household's lagging power factor at <paramref name="localTime"/>.</summary>
    public double PowerFactor(DateTimeOffset localTime) => Load(localTime).PowerFactor;

    /// <summary>The household's active and reactive demand at <paramref name="localTime"/>, at nominal voltage.</summary>
    public HouseholdLoad Load(DateTimeOffset localTime)
    {
        var wallClock = localTime.DateTime;
        var minute = wallClock.Ticks / TimeSpan.TicksPerMinute;
        if (minute == _minute)
        {
            return _load;
        }

        var day = DateOnly.FromDateTime(wallClock);
        if (!_hasDay || day != _day)
        {
            GenerateDay(day);
        }

        var minuteOfDay = (int)(minute % MinutesPerDay);
        var hour = (minuteOfDay + 0.5) / 60;
        var baseNoise = SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)minute, RippleStream));
        var active = _baseWatts * LoadShapes.BaseActivity(hour, _weekend) * (1 + (0.1 * baseNoise));
        var reactive = active * _baseReactivePerWatt;
        var word = minuteOfDay >> 6;
        var bit = 1UL << (minuteOfDay & 63);
        for (var i = 0; i < _units.Length; i++)
        {
            if ((_dayBits[(i * WordsPerDay) + word] & bit) != 0)
            {
                active += _units[i].RatedWatts;
                reactive += _units[i].RatedWatts * _reactivePerWatt[i];
            }
        }

        // Appliances do not draw exactly their rating: a ±2 % ripple common to the minute.
        var ripple = 1 + (0.02 * SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)minute, RippleStream + 1)));
        _minute = minute;
        _load = new HouseholdLoad(active * ripple, reactive * ripple);
        return _load;
    }

    private void GenerateDay(DateOnly day)
    {
        var season = LoadShapes.SeasonOf(day);
        var weekend = LoadShapes.IsWeekend(day);
        Array.Clear(_dayBits);
        for (var i = 0; i < _units.Length; i++)
        {
            var unit = _units[i];
            var bits = _dayBits.AsSpan(i * WordsPerDay, WordsPerDay);
            var random = new SimulationRandom(SimulationRandom.Hash(_seed ^ DayStream, (ulong)day.DayNumber, (ulong)i));
            if (unit.Kind == ApplianceKind.WashingMachine)
            {
                // One run on some days, in the morning: more often at weekends.
                if (random.NextDouble() < (weekend ? 0.6 : 0.25))
                {
                    var start = random.NextInt(8 * 60, 11 * 60);
                    var duration = random.NextInt(45, 90);
                    for (var m = start; m < start + duration; m++)
                    {
                        bits[m >> 6] |= 1UL << (m & 63);
                    }
                }

                continue;
            }

            var (on, off) = LoadShapes.Shape(unit.Kind, 0, weekend, season);
            var rateOn = on / unit.MeanOffMinutes;
            var rateOff = off / unit.MeanOnMinutes;
            var state = rateOn > 0 && random.NextDouble() < rateOn / (rateOn + rateOff);
            for (var m = 0; m < MinutesPerDay; m++)
            {
                (on, off) = LoadShapes.Shape(unit.Kind, (m + 0.5) / 60, weekend, season);
                var draw = random.NextDouble();
                state = state ? draw >= SwitchProbability(off / unit.MeanOnMinutes) : draw < SwitchProbability(on / unit.MeanOffMinutes);
                if (state)
                {
                    bits[m >> 6] |= 1UL << (m & 63);
                }
            }
        }

        _day = day;
        _weekend = weekend;
        _hasDay = true;
    }

    /// <summary>The probability of at least one switch within a minute at <paramref name="rate"/> per minute.</summary>
    private static double SwitchProbability(double rate) => rate < 0.01 ? rate * (1 - (0.5 * rate)) : 1 - Math.Exp(-rate);
}
