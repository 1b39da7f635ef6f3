namespace Meterline.HeadEnd.Billing;

/// <summary>A tariff file that is not valid: every error found, each with its JSON path.</summary>
public sealed class TariffValidationException : Exception
{
    public TariffValidationException()
        : this([])
    {
    }

    public TariffValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public TariffValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public TariffValidationException(IReadOnlyList<TariffError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<TariffError> Errors { get; }

    private static string Describe(IReadOnlyList<TariffError> errors) =>
        errors.Count == 0 ? "The tariff file is not valid." : $"The tariff file is not valid: {string.Join("; ", errors.Take(20))}{(errors.Count > 20 ? $" (and {errors.Count - 20} more)" : string.Empty)}";
}
