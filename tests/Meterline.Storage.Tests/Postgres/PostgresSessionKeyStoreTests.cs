using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSessionKeyStoreTests(PostgresCluster cluster) : SessionKeyStoreTests
{
    protected override IStorageTarget Target => cluster;

    protected override bool LockSpansHandles => true;
}
