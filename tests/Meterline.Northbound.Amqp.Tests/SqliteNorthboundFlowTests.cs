using Meterline.Northbound.Amqp.Tests.Support;
using Meterline.Storage.Tests.Sqlite;
using Meterline.Storage.Tests.Support;

namespace Meterline.Northbound.Amqp.Tests;

[Collection(BrokerCollection.Name)]
public sealed class SqliteNorthboundFlowTests(RabbitMqNode broker) : NorthboundFlowTests(broker)
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();
}
