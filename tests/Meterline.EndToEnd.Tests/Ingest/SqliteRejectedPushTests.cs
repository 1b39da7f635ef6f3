using Meterline.EndToEnd.Tests.Support;
using Meterline.Storage.Tests.Sqlite;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Ingest;

[Collection(EndToEndCollection.Name)]
public sealed class SqliteRejectedPushTests : RejectedPushTests
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();
}
