using System.Globalization;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// The range checks of a load limit beyond its JSON shape (which <see cref="CommandParametersJson"/> checks with
/// the thresholds' and durations' ranges): an emergency profile has a non-zero emergency threshold, starts on a whole
/// second, has not already ended, and starts at most <c>maxAhead</c> from now.
/// </summary>
public static class LoadLimitValidation
{
    /// <exception cref="CommandRejectedException">With <see cref="CommandRejection.InvalidParameters"/>.</exception>
    public static void Validate(LoadLimitParameters parameters, DateTimeOffset now, TimeSpan maxAhead)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Unit is { } unit && !LoadLimitParameters.Units.Contains(unit))
        {
            throw Invalid($"The unit is one of {string.Join(", ", LoadLimitParameters.Units)}.");
        }

        if (parameters.Settings is not { } settings)
        {
            return;
        }

        if (settings.NormalThreshold > LoadLimitParameters.MaxThreshold || settings.EmergencyThreshold > LoadLimitParameters.MaxThreshold)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"Thresholds are 0 to {LoadLimitParameters.MaxThreshold} W or VA."));
        }

        if (settings.MinOverThresholdDuration > LoadLimitParameters.MaxDurationSeconds || settings.MinUnderThresholdDuration > LoadLimitParameters.MaxDurationSeconds)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"minOverSeconds and minUnderSeconds are 0 to {LoadLimitParameters.MaxDurationSeconds} seconds."));
        }

        if (settings.EmergencyProfile is not { } profile)
        {
            return;
        }

        if (profile.Id == 0)
        {
            throw Invalid("An emergency profile id is 1 to 65535.");
        }

        if (settings.EmergencyThreshold == 0)
        {
            throw Invalid("An emergency profile needs a non-zero emergency threshold.");
        }

        if (profile.Duration < LoadLimitParameters.MinEmergencyDuration || profile.Duration > LoadLimitParameters.MaxEmergencyDuration
            || profile.Duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"An emergency profile lasts {LoadLimitParameters.MinEmergencyDuration.TotalSeconds:0} to {LoadLimitParameters.MaxEmergencyDuration.TotalSeconds:0} whole seconds."));
        }

        if (profile.ActivationTime.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid("An emergency profile starts on a whole second.");
        }

        if (profile.ActivationTime + profile.Duration <= now)
        {
            throw Invalid("The emergency profile has already ended.");
        }

        if (profile.ActivationTime > now + maxAhead)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"An emergency profile starts at most {maxAhead.TotalDays:0} days ahead."));
        }
    }

    private static CommandRejectedException Invalid(string message) => new(CommandRejection.InvalidParameters, message);
}
