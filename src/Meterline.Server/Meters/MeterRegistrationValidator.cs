using System.Diagnostics.CodeAnalysis;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Hosting;

namespace Meterline.Server.Meters;

/// <summary>Turns a <see cref="MeterRegistrationRequest"/> into a registration, or says which field is wrong.</summary>
public static class MeterRegistrationValidator
{
    public const int MaxSerialLength = 32;
    public const int MaxTextLength = 64;

    public static bool TryValidate(MeterRegistrationRequest request, ProfileCatalog profiles, [NotNullWhen(true)] out MeterRegistration? registration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(profiles);
        registration = null;
        error = Check(request, profiles);
        if (error is not null)
        {
            return false;
        }

        MeterEndpoint? endpoint;
        try
        {
            endpoint = request.Endpoint is null ? null : new MeterEndpoint(request.Endpoint);
        }
        catch (ArgumentException)
        {
            error = $"endpoint is an absolute URI of at most {MeterEndpoint.MaxLength} characters, e.g. dlms+tcp://10.0.0.5:4059?wport=1.";
            return false;
        }

        GeoLocation? location;
        try
        {
            location = request.Location is { } l ? new GeoLocation(l.Latitude, l.Longitude) : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            error = "location has a latitude of -90 to 90 and a longitude of -180 to 180 degrees.";
            return false;
        }

        registration = new MeterRegistration(request.Serial!, MeterSystemTitle.Parse(request.SystemTitle!), request.Profile!, request.Consumer, location,
            request.Transformer, request.Feeder, endpoint, request.SecurityLevel ?? SecurityLevel.AuthenticatedEncrypted);
        return true;
    }

    /// <summary>Whether a serial is one the API accepts: 1 to 32 letters, digits, '-' or '_'.</summary>
    public static bool IsSerial(string? serial) =>
        serial is { Length: >= 1 and <= MaxSerialLength } && serial.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string? Check(MeterRegistrationRequest request, ProfileCatalog profiles)
    {
        if (!IsSerial(request.Serial))
        {
            return $"serial is 1 to {MaxSerialLength} letters, digits, '-' or '_'.";
        }

        if (!MeterSystemTitle.TryParse(request.SystemTitle, out _))
        {
            return "systemTitle is 16 hex digits.";
        }

        if (profiles.Find(request.Profile) is null)
        {
            return $"profile is one of this head-end's profiles: {string.Join(", ", profiles.Profiles.Select(p => p.Id).Order(StringComparer.Ordinal))}.";
        }

        foreach (var (name, value) in new[] { ("consumer", request.Consumer), ("transformer", request.Transformer), ("feeder", request.Feeder) })
        {
            if (value is not null && (value.Length is 0 or > MaxTextLength || value.Any(char.IsControl)))
            {
                return $"{name} is 1 to {MaxTextLength} printable characters.";
            }
        }

        if (request.SecurityLevel is { } level && !Enum.IsDefined(level))
        {
            return "securityLevel is AuthenticatedEncrypted or AuthenticatedEncryptedSigned.";
        }

        return null;
    }
}
