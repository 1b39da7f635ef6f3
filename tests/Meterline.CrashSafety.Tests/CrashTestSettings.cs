using System.Globalization;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// How hard the kill-and-restart test pushes: <c>METERLINE_CRASH_CYCLES</c> kills (default 100, up to 1,000) and
/// <c>METERLINE_CRASH_SEED</c> for the random kill moments and commands (default: a fresh seed, printed so that a
/// failing run can be repeated).
/// </summary>
internal sealed record CrashTestSettings(int Cycles, int Seed)
{
    public const int DefaultCycles = 100;

    public static CrashTestSettings FromEnvironment() => new(
        Read("METERLINE_CRASH_CYCLES", DefaultCycles, 1, 1_000),
        Read("METERLINE_CRASH_SEED", System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue), 0, int.MaxValue));

    private static int Read(string variable, int fallback, int min, int max)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{variable} is a whole number from {min} to {max}, not \"{text}\".");
    }
}
