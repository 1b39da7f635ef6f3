namespace Meterline.HeadEnd.DemandControl;

/// <summary>Why a group load limit was refused (the API maps it to ProblemDetails).</summary>
public enum DemandLimitRejection
{
    /// <summary>The target is missing or malformed (400).</summary>
    InvalidTarget = 1,

    /// <summary>A meter named is not registered (404).</summary>
    UnknownMeter = 2,

    /// <summary>The target reaches no meter (404).</summary>
    EmptyGroup = 3,

    /// <summary>The target reaches more meters than <see cref="DemandControlOptions.MaxGroupSize"/> (422).</summary>
    GroupTooLarge = 4,
}
