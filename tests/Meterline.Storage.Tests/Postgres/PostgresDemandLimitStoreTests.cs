using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDemandLimitStoreTests(PostgresCluster cluster) : DemandLimitStoreTests
{
    protected override IStorageTarget Target => cluster;
}
