namespace Meterline.Storage.Schema;

/// <summary>One versioned schema change: an SQL script applied in one transaction and then recorded in schema_migrations.</summary>
/// <param name="Version">From 1, without gaps.</param>
/// <param name="Name">The script's name, e.g. 0001_initial.</param>
/// <param name="Sql">The statements.</param>
internal sealed record Migration(int Version, string Name, string Sql);
