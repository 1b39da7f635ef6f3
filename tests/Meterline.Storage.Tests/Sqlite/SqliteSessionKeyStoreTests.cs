using Meterline.Storage.Tests.Ports;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Sqlite;

public sealed class SqliteSessionKeyStoreTests : SessionKeyStoreTests
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();

    protected override bool LockSpansHandles => false;
}
