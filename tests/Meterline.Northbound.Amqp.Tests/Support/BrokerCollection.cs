using Meterline.Storage.Tests.Postgres;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>The northbound tests share one private RabbitMQ node and one private PostgreSQL cluster, started once per run.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<RabbitMqNode>, ICollectionFixture<PostgresCluster>
{
    public const string Name = "RabbitMQ node";
}
