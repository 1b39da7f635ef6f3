using System.Globalization;
using System.Reflection;

namespace Meterline.Storage.Schema;

/// <summary>
/// The migration scripts of one engine, embedded in this assembly as <c>{Engine}/Migrations/NNNN_name.sql</c>,
/// ordered by the number NNNN, which must run from 1 without gaps.
/// </summary>
internal static class MigrationSet
{
    public static IReadOnlyList<Migration> Load(StorageEngine engine)
    {
        var prefix = engine switch
        {
            StorageEngine.Sqlite => "Meterline.Storage.Sqlite.Migrations.",
            StorageEngine.PostgreSql => "Meterline.Storage.Postgres.Migrations.",
            _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown engine."),
        };

        var assembly = typeof(MigrationSet).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration script {resource} is not named NNNN_name.sql.");
            }

            migrations.Add(new Migration(version, name, Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"The {engine} migration scripts do not run from 1 without gaps (found {migrations[i].Name}).");
            }
        }

        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"Missing resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
