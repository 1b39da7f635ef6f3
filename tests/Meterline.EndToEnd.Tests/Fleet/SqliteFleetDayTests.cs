using Meterline.EndToEnd.Tests.Support;
using Meterline.Storage.Tests.Sqlite;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Fleet;

[Collection(EndToEndCollection.Name)]
public sealed class SqliteFleetDayTests : FleetDayTests
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();
}
