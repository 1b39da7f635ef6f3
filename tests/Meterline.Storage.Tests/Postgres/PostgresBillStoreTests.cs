using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresBillStoreTests(PostgresCluster cluster) : BillStoreTests
{
    protected override IStorageTarget Target => cluster;
}
