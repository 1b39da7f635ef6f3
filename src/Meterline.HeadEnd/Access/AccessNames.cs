namespace Meterline.HeadEnd.Access;

/// <summary>What user, token and consumer names may be: 1 to 64 of letters, digits and <c>. _ @ -</c>.</summary>
public static class AccessNames
{
    public const int MaxLength = 64;
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 256;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '-');

    public static bool IsValidPassword(string? password) =>
        password is { Length: >= MinPasswordLength and <= MaxPasswordLength } && !password.Any(char.IsControl);
}
