using Meterline.EndToEnd.Tests.Support;
using Meterline.Storage.Tests.Postgres;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Fleet;

[Collection(EndToEndCollection.Name)]
public sealed class PostgresFleetDayTests(PostgresCluster cluster) : FleetDayTests
{
    protected override IStorageTarget Target => cluster;
}
