using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>
/// A private RabbitMQ node for the test run: its own node name, AMQP port, distribution port and epmd port (free
/// ports on 127.0.0.1), database, logs, configuration and Erlang cookie in a fresh temporary directory, no plugins (no
/// management), a user <see cref="User"/> with a random password. Started once per collection and waited for with
/// <c>rabbitmqctl await_startup</c> (bounded); <see cref="StopAsync"/> and <see cref="StartAsync"/> stop and restart it
/// with its data (tests of a broker outage); disposed with <c>rabbitmqctl stop</c>, killed if that does not finish,
/// and its epmd stopped. Never the system's service.
/// </summary>
public sealed class RabbitMqNode : IAsyncLifetime
{
    public const string User = "meterline";

    private const string Binaries = "/usr/lib/rabbitmq/bin";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    private string _root = string.Empty;
    private string _nodeName = string.Empty;
    private int _distributionPort;
    private int _epmdPort;
    private Process? _server;
    private TestCertificates? _certificates;

    public int Port { get; private set; }

    /// <summary>
    /// The AMQPS (TLS) port; its certificate is issued by <see cref="Certificates"/>' CA for localhost, and it takes
    /// only clients presenting a certificate of that CA (mutual TLS).
    /// </summary>
    public int TlsPort { get; private set; }

    public TestCertificates Certificates => _certificates ?? throw new InvalidOperationException("Not started.");

    /// <summary>The user's password (random for each run).</summary>
    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>amqp://meterline@127.0.0.1:port/ (the password is given apart).</summary>
    public Uri Uri => new(string.Create(CultureInfo.InvariantCulture, $"amqp://{User}@127.0.0.1:{Port}/"));

    public bool IsRunning => _server is { HasExited: false };

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Binaries, "rabbitmq-server")))
        {
            throw new InvalidOperationException($"RabbitMQ is not installed ({Binaries}/rabbitmq-server missing): run scripts/ensure-rabbitmq.sh (test.sh does).");
        }

        _root = Directory.CreateTempSubdirectory("meterline-rabbitmq-").FullName;
        Port = FreePort();
        TlsPort = FreePort();
        _distributionPort = FreePort();
        _epmdPort = FreePort();
        _nodeName = string.Create(CultureInfo.InvariantCulture, $"meterline{Port}@localhost");
        foreach (var directory in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(_root, directory));
        }

        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n");
        _certificates = new TestCertificates(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), string.Create(CultureInfo.InvariantCulture, $"""
            listeners.tcp.default = 127.0.0.1:{Port}
            listeners.ssl.default = 127.0.0.1:{TlsPort}
            ssl_options.cacertfile = {_certificates.CaFile}
            ssl_options.certfile = {_certificates.CertificateFile}
            ssl_options.keyfile = {_certificates.KeyFile}
            ssl_options.verify = verify_peer
            ssl_options.fail_if_no_peer_cert = true
            default_user = {User}
            default_pass = {Password}
            default_vhost = /
            loopback_users = none
            log.console = false
            log.file.level = warning
            """));
        await StartAsync();
    }

    /// <summary>Starts the node (again, with its data) and waits until it takes connections.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Binaries, "rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        Configure(start);
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start rabbitmq-server.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartBound;
        while (true)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited ({_server.ExitCode}); see {Path.Combine(_root, "log")}.");
            }

            // await_startup fails at once while the node is not registered with epmd yet: ask again until the bound.
            var (code, _) = await CtlAsync(["await_startup", "--timeout", "30"], check: false);
            if (code == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"RabbitMQ node {_nodeName} did not start within {StartBound.TotalSeconds} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Stops the node (its data stays for <see cref="StartAsync"/>); kills it if it does not stop in time.</summary>
    public async Task StopAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        try
        {
            await CtlAsync(["stop"], check: false);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        finally
        {
            server.Dispose();
            _server = null;
        }
    }

    /// <summary>Sets the memory alarm's threshold: 0 raises the alarm (the broker blocks every publishing connection), 0.4 is the default.</summary>
    public Task SetMemoryHighWatermarkAsync(double fraction) =>
        CtlAsync(["set_vm_memory_high_watermark", fraction.ToString(CultureInfo.InvariantCulture)], check: true);

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await RunAsync("/usr/bin/epmd", ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], check: false);
            _certificates?.Dispose();
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private Task<(int Code, string Output)> CtlAsync(IReadOnlyList<string> arguments, bool check) =>
        RunAsync(Path.Combine(Binaries, "rabbitmqctl"), ["-n", _nodeName, .. arguments], check);

    private void Configure(ProcessStartInfo start)
    {
        var environment = start.Environment;
        environment["HOME"] = Path.Combine(_root, "home");
        environment["RABBITMQ_NODENAME"] = _nodeName;
        environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        environment["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        environment["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture);
        environment["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
        environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia");
        environment["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log");
        environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq.conf");
        environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_root, "advanced.config");
        environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins");
        environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_root, "rabbitmq-env.conf");
        environment["RABBITMQ_PID_FILE"] = Path.Combine(_root, "rabbitmq.pid");
    }

    private async Task<(int Code, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, bool check)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root.Length > 0 && Directory.Exists(_root) ? _root : "/tmp",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (_root.Length > 0)
        {
            Configure(start);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandBound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandBound.TotalSeconds} s.");
        }

        var text = await output + await error;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {text}");
        }

        return (process.ExitCode, text);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
