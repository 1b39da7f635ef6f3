using Meterline.Northbound.Amqp.Tests.Support;
using Meterline.Storage.Tests.Postgres;
using Meterline.Storage.Tests.Support;

namespace Meterline.Northbound.Amqp.Tests;

[Collection(BrokerCollection.Name)]
public sealed class PostgresNorthboundFlowTests(RabbitMqNode broker, PostgresCluster cluster) : NorthboundFlowTests(broker)
{
    protected override IStorageTarget Target => cluster;
}
