using Meterline.EndToEnd.Tests.Support;
using Meterline.Storage.Tests.Postgres;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Ingest;

[Collection(EndToEndCollection.Name)]
public sealed class PostgresRejectedPushTests(PostgresCluster cluster) : RejectedPushTests
{
    protected override IStorageTarget Target => cluster;
}
