namespace Meterline.HeadEnd.Access;

/// <summary>
/// One element of the session key ring as the database keeps it (docs/access.md, "Sessions on several nodes"): its
/// unique name and its XML, whose secret part is already encrypted under the session key-encryption key.
/// </summary>
public sealed record SessionKeyElement(string Name, string Xml, DateTimeOffset CreatedAt);
