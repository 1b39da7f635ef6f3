using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresPrepaidStoreTests(PostgresCluster cluster) : PrepaidStoreTests
{
    protected override IStorageTarget Target => cluster;
}
