using Meterline.Storage.Tests.Postgres;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// Every end-to-end test runs in this one collection: one after the other (each runs a fleet and a node that want the
/// machine's cores to themselves), sharing one private PostgreSQL cluster for the run.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "End to end";
}
