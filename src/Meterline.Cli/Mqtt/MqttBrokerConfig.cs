using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Cli.Meters;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Mosquitto;

namespace Meterline.Cli.Mqtt;

/// <summary>
/// `meterline mqtt broker-config --out DIR`: what an external mosquitto 2.0 needs to carry the provisioned meters —
/// the password file (a <c>$7$</c> PBKDF2-SHA512 line per meter that has an MQTT password, and one for the head-end
/// nodes' account), the ACL (a meter writes only its up topic and reads only its down topic; the nodes read every up
/// and write every down) and a mosquitto.conf (no anonymous access, per-listener settings, TCP_NODELAY) — from the
/// node's own database and key provider. The nodes' password comes from an environment variable, or is generated and
/// written beside the files (mode 0600). Audited as mqtt.broker-config.written; no password is printed.
/// </summary>
internal static class MqttBrokerConfig
{
    public const string WrittenAction = "mqtt.broker-config.written";

    public static Command Create(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var storage = new LocalNodeOptions();
        var directory = new Option<DirectoryInfo>("--out") { Description = "Directory to write passwd, acl and mosquitto.conf to (created if missing; the files are replaced)", Required = true };
        var port = new Option<int>("--port") { Description = "The port of the broker's listener in mosquitto.conf", DefaultValueFactory = _ => 1883 };
        var bind = new Option<string?>("--bind") { Description = "The address the listener binds (default: all)" };
        var nodeUser = new Option<string>("--node-user") { Description = "The head-end nodes' user name at the broker (serve --mqtt-username)", DefaultValueFactory = _ => "meterline-hes" };
        var nodePasswordEnv = new Option<string?>("--node-password-env") { Description = "Environment variable holding the nodes' password (default: generate one and write it to DIR/NODE-USER.password, mode 0600)" };
        var runAs = new Option<string?>("--run-as") { Description = "The account mosquitto runs as when started by root (it must read the password file; the `user` setting)" };
        var maxQueued = new Option<int>("--max-queued-messages") { Description = "QoS 1 messages mosquitto holds per client beyond those in flight (max_queued_messages); past it mosquitto drops pushes it already acknowledged to meters, so size it for the backlog of the longest head-end node outage to ride out", DefaultValueFactory = _ => MosquittoConfig.DefaultMaxQueuedMessages };
        var gateway = new Option<string[]>("--gateway") { Description = "A `meterline gateway --broker` account: USER=METERSFILE (repeatable; METERSFILE is the gateway's --meters file). The ACL grants it only those meters' topics; its password is generated and written to DIR/USER.password (mode 0600)" };
        var command = new Command("broker-config", "Write an external mosquitto's password file, ACL and configuration for every meter with an MQTT password and the head-end nodes")
        {
            directory, port, bind, nodeUser, nodePasswordEnv, runAs, maxQueued, gateway,
        };
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var listen = result.GetValue(port) is var p && p is >= 1 and <= ushort.MaxValue ? p : throw new CommandException("--port is 1 to 65535", ApiExitCodes.Usage);
            if (result.GetValue(bind) is { } address && !IPAddress.TryParse(address, out _))
            {
                throw new CommandException($"--bind {address}: not an IP address", ApiExitCodes.Usage);
            }

            if (result.GetValue(maxQueued) < 1)
            {
                throw new CommandException("--max-queued-messages is 1 or more", ApiExitCodes.Usage);
            }

            var user = result.GetValue(nodeUser)!;
            if (!IsNodeUser(user))
            {
                throw new CommandException("--node-user is 1 to 64 letters, digits, '.', '-' or '_', and not a system title (16 hex digits: a meter's user name)", ApiExitCodes.Usage);
            }

            string? given = null;
            if (result.GetValue(nodePasswordEnv) is { } variable
                && (given = Environment.GetEnvironmentVariable(variable)) is not { Length: >= MeterKeySetMinimum })
            {
                throw new CommandException($"--node-password-env {variable}: the variable is not set or holds fewer than {MeterKeySetMinimum} characters", ApiExitCodes.Usage);
            }

            var gateways = Gateways(result.GetValue(gateway) ?? [], user);
            var actor = result.GetValue(api.Actor)!;
            var target = result.GetValue(directory)!.FullName;
            await using var node = await ServeCommand.OpenNodeAsync(storage.ToOptions(result), cancellationToken).ConfigureAwait(false);
            var meters = new List<(MeterSystemTitle Meter, string Password)>();
            int total;
            try
            {
                total = await CollectAsync(node, meters, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (LocalNodeOptions.IsFailure(e))
            {
                throw new CommandException($"cannot read the meters' MQTT passwords: {e.Message}", ApiExitCodes.Failed);
            }

            var password = given ?? MqttPassword.Generate();
            await node.Audit.AppendAsync(actor, WrittenAction, "head-end", new AuditDetail()
                .Add("meters", meters.Count).Add("nodeUser", user).Add("gateways", string.Join(',', gateways.Select(g => g.User))).Add("path", target).ToString(), cancellationToken).ConfigureAwait(false);
            try
            {
                var gatewayPasswords = gateways.Select(g => (g.User, Password: MqttPassword.Generate(), g.Meters)).ToList();
                MosquittoConfig.Write(target, meters, [(user, password)], gatewayPasswords, MosquittoConfig.Conf(target, listen, result.GetValue(bind), user: result.GetValue(runAs), maxQueuedMessages: result.GetValue(maxQueued)));
                foreach (var (gatewayUser, gatewayPassword, _) in gatewayPasswords)
                {
                    var secret = System.Text.Encoding.ASCII.GetBytes(gatewayPassword + "\n");
                    try
                    {
                        OwnerOnlyFile.Write(Path.Combine(target, gatewayUser + ".password"), secret, overwrite: true);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(secret);
                    }
                }

                if (given is null)
                {
                    var secret = System.Text.Encoding.ASCII.GetBytes(password + "\n");
                    try
                    {
                        OwnerOnlyFile.Write(Path.Combine(target, user + ".password"), secret, overwrite: true);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(secret);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandException($"cannot write to {target}: {e.Message}", ApiExitCodes.Failed);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {MosquittoConfig.PasswordFileName} ({meters.Count} meter{(meters.Count == 1 ? string.Empty : "s")} of {total}, and the head-end account {user}; mode 0600), {MosquittoConfig.AclFileName} and {MosquittoConfig.ConfigFileName} to {target}")).ConfigureAwait(false);
            if (given is null)
            {
                await output.WriteLineAsync($"the head-end account's password is in {Path.Combine(target, user + ".password")} (mode 0600)").ConfigureAwait(false);
            }

            foreach (var (gatewayUser, gatewayMeters) in gateways)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"gateway {gatewayUser}: {gatewayMeters.Count} meters; its password is in {Path.Combine(target, gatewayUser + ".password")} (meterline gateway --broker-user {gatewayUser} --broker-password-file FILE)")).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"run: mosquitto -c {Path.Combine(target, MosquittoConfig.ConfigFileName)}").ConfigureAwait(false);
            await output.WriteLineAsync($"then: meterline serve --mqtt-broker mqtt://HOST:{listen} --mqtt-username {user} --mqtt-password-env VARIABLE").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The gateway accounts of <c>--gateway USER=METERSFILE</c>, each with its meters' system titles.</summary>
    internal static List<(string User, IReadOnlyCollection<MeterSystemTitle> Meters)> Gateways(IEnumerable<string> values, string nodeUser)
    {
        var gateways = new List<(string User, IReadOnlyCollection<MeterSystemTitle> Meters)>();
        foreach (var value in values)
        {
            var split = value.IndexOf('=', StringComparison.Ordinal);
            var user = split > 0 ? value[..split] : "";
            if (!IsNodeUser(user) || user == nodeUser || gateways.Any(g => g.User == user))
            {
                throw new CommandException($"--gateway {value}: USER=METERSFILE, USER 1 to 64 letters, digits, '.', '-' or '_', not a system title, not the nodes' user, each once", ApiExitCodes.Usage);
            }

            try
            {
                var meters = global::Meterline.Gateway.Mqtt.GatewayMeterList.Read(value[(split + 1)..]);
                gateways.Add((user, [.. meters.Select(m => MeterSystemTitle.Parse(m.SystemTitle))]));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new CommandException($"--gateway {value}: {e.Message}", ApiExitCodes.Usage);
            }
        }

        return gateways;
    }

    private const int MeterKeySetMinimum = HeadEnd.Provisioning.MeterKeySet.MinMqttPasswordLength;

    /// <summary>Every meter with an MQTT password, with it (the one the broker accepts); returns how many meters there are.</summary>
    private static async Task<int> CollectAsync(Server.Hosting.HeadEndNode node, List<(MeterSystemTitle, string)> meters, CancellationToken cancellationToken)
    {
        var total = 0;
        await foreach (var meter in node.Meters.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            total++;
            var secret = await node.Provisioner.UnwrapMqttPasswordAsync(meter.Id, cancellationToken).ConfigureAwait(false);
            try
            {
                if (secret.Length > 0)
                {
                    meters.Add((meter.SystemTitle, System.Text.Encoding.ASCII.GetString(secret)));
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }

        return total;
    }

    /// <summary>A user name mosquitto's files take (no ':' or white space) that no meter has.</summary>
    internal static bool IsNodeUser(string user) =>
        user.Length is >= 1 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') && !MeterSystemTitle.TryParse(user, out _);
}
