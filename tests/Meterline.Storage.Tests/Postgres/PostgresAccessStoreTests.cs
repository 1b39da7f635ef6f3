using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessStoreTests(PostgresCluster cluster) : AccessStoreTests
{
    protected override IStorageTarget Target => cluster;
}
