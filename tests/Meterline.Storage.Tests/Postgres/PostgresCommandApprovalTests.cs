using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCommandApprovalTests(PostgresCluster cluster) : CommandApprovalTests
{
    protected override IStorageTarget Target => cluster;
}
