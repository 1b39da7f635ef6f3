using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Storage.Tests.Support;
using Npgsql;

namespace Meterline.Storage.Tests.Postgres;

/// <summary>
/// A private PostgreSQL cluster for the test run: initdb into a fresh directory under /tmp (as the postgres user when
/// the tests run as root, since the server refuses root), trust authentication, listening on 127.0.0.1 on a free port
/// with its socket in the same directory; started with pg_ctl -w and a timeout, stopped and deleted at the end. Each
/// test gets its own database. The throwaway cluster runs with fsync off (the storage's own durability setting,
/// synchronous_commit, is checked by a test); nothing in it outlives the run. Without PostgreSQL's binaries every
/// PostgreSQL test fails with a message saying so.
/// </summary>
public sealed class PostgresCluster : IStorageTarget, IAsyncLifetime
{
    /// <summary>Names the directory of initdb and pg_ctl when they are not in Debian's place or on PATH.</summary>
    public const string BinariesVariable = "METERLINE_PG_BIN";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private string? _root;
    private string? _binaries;
    private NpgsqlDataSource? _admin;
    private int _port;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
            _admin = null;
        }

        NpgsqlConnection.ClearAllPools();
        if (_root is not null && _binaries is not null && File.Exists(Path.Combine(_root, "data", "postmaster.pid")))
        {
            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "-t", "60", "stop"], Environment.UserName == "root");
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        _root = null;
    }

    private async Task StartAsync()
    {
        _binaries = FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin, on PATH or in {BinariesVariable}: run scripts/ensure-postgres.sh (test.sh does).");
        var asRoot = Environment.UserName == "root";
        _root = Directory.CreateTempSubdirectory("meterline-pg-").FullName;
        var data = Path.Combine(_root, "data");
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", _root], asPostgres: false);
        }

        await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        // The free port can be taken by another process before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            _port = FreePort();
            try
            {
                await StartServerAsync();
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    /// <summary>
    /// Stops the server as a crash or a power cut would (<c>pg_ctl stop -m immediate</c>: no checkpoint, every
    /// connection cut), keeping its data directory; <see cref="StartServerAsync"/> starts it again on the same port.
    /// Only for a cluster of one's own: the shared one serves other tests.
    /// </summary>
    public async Task StopServerAsync()
    {
        var root = _root ?? throw new InvalidOperationException("The PostgreSQL test cluster did not start.");
        await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-m", "immediate", "-w", "-t", "60", "stop"], Environment.UserName == "root");
    }

    /// <summary>Starts the server on its data directory and port (at the first start, and after <see cref="StopServerAsync"/>).</summary>
    public async Task StartServerAsync()
    {
        var root = _root ?? throw new InvalidOperationException("The PostgreSQL test cluster has no directory.");
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {_port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off");
        await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"], Environment.UserName == "root");
    }

    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Timeout=30");

    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var command = Admin.CreateCommand($"CREATE DATABASE {name}");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var command = Admin.CreateCommand($"DROP DATABASE {name} WITH (FORCE)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ExecuteScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException("The PostgreSQL test cluster did not start.");

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } chosen)
        {
            return File.Exists(Path.Combine(chosen, "initdb")) && File.Exists(Path.Combine(chosen, "pg_ctl"))
                ? chosen
                : throw new InvalidOperationException($"{BinariesVariable}={chosen} does not hold PostgreSQL's initdb and pg_ctl.");
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Directory: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Directory, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return Path.Combine(newest.Directory, "bin");
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {ProcessTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error} {await output}");
        }
    }
}
