namespace Meterline.HeadEnd.Access;

/// <summary>A token just created: as stored, and its text, which is never shown again.</summary>
public sealed record CreatedApiToken(ApiToken Token, string Text);
