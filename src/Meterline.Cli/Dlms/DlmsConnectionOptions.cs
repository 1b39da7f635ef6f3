using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.Cli.Dlms;

/// <summary>
/// The options every `meterline dlms` command shares: where the meter is (TCP host or serial device), the framing
/// (HDLC or the IEC 62056-47 wrapper), the addresses, and the security of the association. Keys come from options,
/// a key file, or the environment (METERLINE_DLMS_EK, METERLINE_DLMS_AK), and are never printed.
/// </summary>
internal sealed class DlmsConnectionOptions
{
    public Option<string?> Host { get; } = new("--host") { Description = "Meter host for TCP (DLMS/TCP, port 4059 by default)" };
    public Option<int> Port { get; } = new("--port") { Description = "TCP port", DefaultValueFactory = _ => 4059 };
    public Option<string?> Serial { get; } = new("--serial") { Description = "Serial device, e.g. /dev/ttyUSB0 (HDLC framing by default)" };
    public Option<int> Baud { get; } = new("--baud") { Description = "Serial baud rate", DefaultValueFactory = _ => 9600 };
    public Option<string?> Framing { get; } = new("--framing") { Description = "hdlc or wrapper (default: wrapper on TCP, hdlc on serial)" };
    public Option<int> Client { get; } = new("--client") { Description = "Client SAP: 16 public, 32 meter reader, 48 utility settings", DefaultValueFactory = _ => 16 };
    public Option<int> Server { get; } = new("--server") { Description = "Server logical device address (wPort, or HDLC upper address)", DefaultValueFactory = _ => 1 };
    public Option<int?> ServerLower { get; } = new("--server-lower") { Description = "HDLC lower (physical) server address; omit for a one-byte address" };
    public Option<int> AddressSize { get; } = new("--address-size") { Description = "HDLC server address size with --server-lower: 2 or 4", DefaultValueFactory = _ => 2 };
    public Option<string> Auth { get; } = new("--auth") { Description = "none, low (LLS password), hls-gmac (mechanism 5) or hls-ecdsa (mechanism 7)", DefaultValueFactory = _ => "none" };
    public Option<string?> Password { get; } = new("--password") { Description = "LLS password" };
    public Option<bool> Cipher { get; } = new("--cipher") { Description = "Use the ciphered application context (AES-GCM-128)" };
    public Option<bool> Dedicated { get; } = new("--dedicated") { Description = "Propose a dedicated key and cipher with it" };
    public Option<string?> SystemTitle { get; } = new("--system-title") { Description = "Client system title, 16 hex digits" };
    public Option<string?> ServerSystemTitle { get; } = new("--server-system-title") { Description = "Expected server system title; refuse any other" };
    public Option<string?> EncryptionKey { get; } = new("--ek") { Description = "Global unicast encryption key, 32 hex digits (or METERLINE_DLMS_EK)" };
    public Option<string?> AuthenticationKey { get; } = new("--ak") { Description = "Authentication key, 32 hex digits (or METERLINE_DLMS_AK)" };
    public Option<FileInfo?> KeyFile { get; } = new("--key-file") { Description = "File with lines ek=HEX and ak=HEX" };
    public Option<FileInfo?> SigningKey { get; } = new("--signing-key") { Description = "Client ECDSA P-256 private key (PEM), for hls-ecdsa" };
    public Option<FileInfo?> ServerKey { get; } = new("--server-key") { Description = "Server ECDSA P-256 public key (PEM), for hls-ecdsa" };
    public Option<uint> Counter { get; } = new("--counter") { Description = "First invocation counter to use when ciphering", DefaultValueFactory = _ => 1 };
    public Option<string?> ReadCounter { get; } = new("--read-counter") { Description = "Read this invocation counter object (e.g. 0.0.43.1.3.255) through the public client first, and continue from it" };
    public Option<string> Deviation { get; } = new("--deviation") { Description = "Date-time deviation sign: bluebook (UTC+1 = -60) or local-minus-utc (IS 15959)", DefaultValueFactory = _ => "bluebook" };
    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each response", DefaultValueFactory = _ => 10 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
        {
            Host, Port, Serial, Baud, Framing, Client, Server, ServerLower, AddressSize, Auth, Password, Cipher, Dedicated,
            SystemTitle, ServerSystemTitle, EncryptionKey, AuthenticationKey, KeyFile, SigningKey, ServerKey, Counter, ReadCounter,
            Deviation, Timeout,
        })
        {
            command.Add(option);
        }
    }

    public DeviationConvention DeviationOf(ParseResult result) =>
        result.GetValue(Deviation) == "local-minus-utc" ? DeviationConvention.LocalMinusUtc : DeviationConvention.BlueBook;

    /// <summary>Opens the link, associates, and returns the session; throws <see cref="CommandException"/> for bad options.</summary>
    public async Task<DlmsSession> ConnectAsync(ParseResult result, TextWriter error, CancellationToken cancellationToken)
    {
        var clientSap = result.GetValue(Client);
        var counter = result.GetValue(Counter);
        if (result.GetValue(ReadCounter) is { } counterObject)
        {
            counter = await ReadInvocationCounterAsync(result, ParseObis(counterObject), cancellationToken).ConfigureAwait(false) + 1;
        }

        var settings = BuildSettings(result);
        var keys = BuildKeys(result, settings);
        var association = new ClientAssociation(settings, keys, keys is null ? null : new OutgoingInvocationCounter(counter));
        DlmsSession session;
        try
        {
            session = await OpenAsync(result, clientSap, association, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            association.Dispose();
            throw;
        }

        try
        {
            var outcome = await session.Client.AssociateAsync(cancellationToken).ConfigureAwait(false);
            if (!outcome.IsAssociated)
            {
                var reason = outcome.InitiateError is { } initiate ? $"{outcome.Diagnostic}; {initiate}" : outcome.Diagnostic.ToString();
                throw new CommandException($"The meter refused the association: {outcome.Result} ({reason})", ExitCodes.Refused);
            }

            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<uint> ReadInvocationCounterAsync(ParseResult result, ObisCode counterObject, CancellationToken cancellationToken)
    {
        // The public client (SAP 16) reads it on a link of its own.
        var (link, pipe) = await OpenLinkAsync(result, 16, cancellationToken).ConfigureAwait(false);
        try
        {
            return await DlmsClient.ReadInvocationCounterAsync(link, counterObject, ClientOptions(result), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<DlmsSession> OpenAsync(ParseResult result, int clientSap, ClientAssociation association, CancellationToken cancellationToken)
    {
        var (link, pipe) = await OpenLinkAsync(result, clientSap, cancellationToken).ConfigureAwait(false);
        return new DlmsSession(DlmsClient.Create(link, association, ClientOptions(result)), pipe);
    }

    private DlmsClientOptions ClientOptions(ParseResult result) => new() { RequestTimeout = TimeSpan.FromSeconds(result.GetValue(Timeout)) };

    private async Task<(IApduLink Link, StreamDuplexPipe Pipe)> OpenLinkAsync(ParseResult result, int clientSap, CancellationToken cancellationToken)
    {
        var host = result.GetValue(Host);
        var serial = result.GetValue(Serial);
        if ((host is null) == (serial is null))
        {
            throw new CommandException("Give exactly one of --host and --serial", ExitCodes.Usage);
        }

        var framing = result.GetValue(Framing) ?? (serial is null ? "wrapper" : "hdlc");
        if (framing is not ("hdlc" or "wrapper"))
        {
            throw new CommandException("--framing is hdlc or wrapper", ExitCodes.Usage);
        }

        var timeout = TimeSpan.FromSeconds(result.GetValue(Timeout));
        var pipe = serial is null
            ? await TcpTransport.ConnectAsync(host!, result.GetValue(Port), timeout, cancellationToken).ConfigureAwait(false)
            : SerialTransport.Open(serial, result.GetValue(Baud));
        try
        {
            var server = result.GetValue(Server);
            if (framing == "wrapper")
            {
                return (WrapperLink.Start(pipe, (ushort)clientSap, (ushort)server), pipe);
            }

            var serverAddress = result.GetValue(ServerLower) is { } lower
                ? HdlcAddress.Server(server, lower, result.GetValue(AddressSize))
                : HdlcAddress.OneByte(server);
            var link = await HdlcLink.ConnectAsync(pipe, HdlcAddress.Client(clientSap), serverAddress, new HdlcLinkOptions { ResponseTimeout = timeout }, cancellationToken).ConfigureAwait(false);
            return (link, pipe);
        }
        catch
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ClientAssociationSettings BuildSettings(ParseResult result)
    {
        var mechanism = result.GetValue(Auth) switch
        {
            "none" => AuthenticationMechanism.Lowest,
            "low" => AuthenticationMechanism.Low,
            "hls-gmac" => AuthenticationMechanism.HighGmac,
            "hls-ecdsa" => AuthenticationMechanism.HighEcdsa,
            var other => throw new CommandException($"Unknown --auth '{other}'", ExitCodes.Usage),
        };
        var password = result.GetValue(Password);
        if (mechanism == AuthenticationMechanism.Low && password is null)
        {
            throw new CommandException("--auth low needs --password", ExitCodes.Usage);
        }

        return new ClientAssociationSettings
        {
            ApplicationContext = result.GetValue(Cipher) ? ApplicationContextName.LogicalNameReferencingWithCiphering : ApplicationContextName.LogicalNameReferencingNoCiphering,
            Mechanism = mechanism,
            Password = password is null ? null : LlsPassword.FromBytes(System.Text.Encoding.ASCII.GetBytes(password)),
            UseDedicatedKey = result.GetValue(Dedicated),
            ExpectedServerSystemTitle = result.GetValue(ServerSystemTitle) is { } title ? ParseTitle(title) : null,
        };
    }

    private AssociationKeys? BuildKeys(ParseResult result, ClientAssociationSettings settings)
    {
        var needsKeys = settings.IsCiphered || settings.Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;
        if (!needsKeys)
        {
            return null;
        }

        var fileKeys = ReadKeyFile(result.GetValue(KeyFile));
        var ek = result.GetValue(EncryptionKey) ?? fileKeys.GetValueOrDefault("ek") ?? Environment.GetEnvironmentVariable("METERLINE_DLMS_EK");
        var ak = result.GetValue(AuthenticationKey) ?? fileKeys.GetValueOrDefault("ak") ?? Environment.GetEnvironmentVariable("METERLINE_DLMS_AK");
        var title = result.GetValue(SystemTitle) ?? throw new CommandException("Ciphering and HLS need --system-title", ExitCodes.Usage);
        if (ek is null || ak is null)
        {
            throw new CommandException("Ciphering and HLS need the encryption and authentication keys (--ek/--ak, --key-file or METERLINE_DLMS_EK/AK)", ExitCodes.Usage);
        }

        var ecdsa = settings.Mechanism == AuthenticationMechanism.HighEcdsa;
        return new AssociationKeys(ParseTitle(title), ParseKey(ek, "--ek"), ParseKey(ak, "--ak"), ecdsa ? SecuritySuite.EcdhEcdsaAesGcm128Sha256 : SecuritySuite.AesGcm128)
        {
            SigningKey = ecdsa ? LoadEcdsa(result.GetValue(SigningKey), "--signing-key") : null,
            PeerPublicKey = ecdsa ? LoadEcdsa(result.GetValue(ServerKey), "--server-key") : null,
        };
    }

    internal static ObisCode ParseObis(string text) =>
        ObisCode.TryParse(text, out var obis) ? obis : throw new CommandException($"'{text}' is not an OBIS code (1.0.1.8.0.255 or 1-0:1.8.0*255)", ExitCodes.Usage);

    private static Meterline.Dlms.Security.SystemTitle ParseTitle(string hex) =>
        Meterline.Dlms.Security.SystemTitle.TryParse(hex, out var title) ? title : throw new CommandException("A system title is 16 hex digits", ExitCodes.Usage);

    private static CipherKey ParseKey(string hex, string name)
    {
        try
        {
            return CipherKey.FromBytes(Convert.FromHexString(hex.Trim()));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // Never echo the key itself.
            throw new CommandException($"{name} is not a 128-bit key in hex", ExitCodes.Usage);
        }
    }

    private static ECDsa LoadEcdsa(FileInfo? file, string name)
    {
        if (file is null)
        {
            throw new CommandException($"hls-ecdsa needs {name}", ExitCodes.Usage);
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file.FullName));
        return key;
    }

    private static Dictionary<string, string> ReadKeyFile(FileInfo? file)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (file is null)
        {
            return keys;
        }

        foreach (var line in File.ReadAllLines(file.FullName))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                keys[trimmed[..equals].Trim()] = trimmed[(equals + 1)..].Trim();
            }
        }

        return keys;
    }
}
