namespace Meterline.Storage.Tests.Postgres;

/// <summary>The PostgreSQL test classes share one private cluster, started once per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL cluster";
}
