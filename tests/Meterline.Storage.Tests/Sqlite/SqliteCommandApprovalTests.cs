using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Sqlite;

public sealed class SqliteCommandApprovalTests : CommandApprovalTests
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();
}
