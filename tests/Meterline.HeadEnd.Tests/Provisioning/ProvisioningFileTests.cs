using System.Globalization;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Tests.Keys;

namespace Meterline.HeadEnd.Tests.Provisioning;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProvisioningFileTests
{
    private static readonly string[] EncryptionKeys = ["3C9E1A7D52B04F86E1D7A3905C2B6F18", "71C3A9E5F20B48D6A1E7C3958B2D4F60", "9D2F6B1E8A4C7035B1F9D2E6A8C4073E"];
    private static readonly string[] AuthenticationKeys = ["A41F7C3E9B2D5068F1C4E7A93D6B2051", "C2E84A1F6B39D5074E8A2C61F9D3B715", "E6A2C8F4B0D61937A5C1E7F3B9D5217C"];
    private static readonly string[] MasterKeys = ["5E8B2C71D4A9F3060B7E1C5A8D2F4396", "0F6D3A8C1E5B7294D6A0C3E81B5F7D29", "2B9F5D1A7C3E8064F2A8D4B0E6C2197A"];

    /// <summary>A file as the simulator writes it (FleetProvisioningFile.WriteDocument), for meters 0 to count - 1.</summary>
    private static string Document(int count, Func<int, string, string>? edit = null)
    {
        var meters = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var meter = string.Create(CultureInfo.InvariantCulture, $$"""
                {
                  "id": "MTL{{i + 1:D8}}",
                  "systemTitle": "4D544C{{i + 1:X10}}",
                  "hdlcLogicalAddress": 1,
                  "hdlcPhysicalAddress": {{16 + i}},
                  "wPort": {{16 + i}},
                  "host": "127.0.0.1",
                  "port": 4059,
                  "profile": "is15959-single-phase",
                  "householdSeed": -1379183218,
                  "encryptionKey": "{{EncryptionKeys[i]}}",
                  "authenticationKey": "{{AuthenticationKeys[i]}}",
                  "masterKey": "{{MasterKeys[i]}}",
                  "readerPassword": "Rd{{i}}-pass#Zq"
                }
                """);
            meters.Add(edit is null ? meter : edit(i, meter));
        }

        return "{\n  \"version\": 1,\n  \"meters\": [\n" + string.Join(",\n", meters) + "\n  ]\n}\n";
    }

    private static byte[] HesPoint()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
    }

    private static string WithHesKey(string meter, byte[] point) =>
        meter.Replace("\"port\": 4059", "\"port\": 4059,\n  \"hesPublicKey\": \"" + Convert.ToHexString(point) + "\"", StringComparison.Ordinal);

    private static ProvisioningFile Parse(string json) => ProvisioningFileReader.Parse(Encoding.UTF8.GetBytes(json), "fleet.json");

    [Fact]
    public void Parse_SimulatorDocument_GivesRegistrationsEndpointsAndKeys()
    {
        using var file = Parse(Document(2));

        Assert.Equal(2, file.Meters.Count);
        var second = file.Meters[1];
        Assert.Equal(1, second.Index);
        Assert.Equal("MTL00000002", second.Registration.Serial);
        Assert.Equal("4D544C0000000002", second.Registration.SystemTitle.ToString());
        Assert.Equal("is15959-single-phase", second.Registration.ProfileId);
        Assert.Equal("dlms+tcp://127.0.0.1:4059?wport=17", second.Registration.Endpoint!.ToString());
        Assert.Equal(EncryptionKeys[1], Convert.ToHexString(second.Keys.Encryption));
        Assert.Equal(AuthenticationKeys[1], Convert.ToHexString(second.Keys.Authentication));
        Assert.Equal(MasterKeys[1], Convert.ToHexString(second.Keys.Master));
        Assert.Equal("Rd1-pass#Zq", Encoding.ASCII.GetString(second.Keys.ReaderPassword));
    }

    [Fact]
    public void Parse_Ipv6Host_IsBracketedInTheEndpoint()
    {
        using var file = Parse(Document(1, (_, m) => m.Replace("127.0.0.1", "::1", StringComparison.Ordinal)));

        Assert.Equal("dlms+tcp://[::1]:4059?wport=16", file.Meters[0].Registration.Endpoint!.ToString());
    }

    [Fact]
    public void Parse_MeterWithZigbeeRadio_IsReachedThroughTheCoordinator()
    {
        using var file = Parse(Document(2, (i, m) => i == 1 ? m.Replace("\"port\": 4059", "\"port\": 4059, \"zigbee\": \"0013a2004d540002\"", StringComparison.Ordinal) : m));

        Assert.Equal("dlms+tcp://127.0.0.1:4059?wport=16", file.Meters[0].Registration.Endpoint!.ToString());
        Assert.Equal("zigbee://0013A2004D540002", file.Meters[1].Registration.Endpoint!.ToString());
    }

    [Fact]
    public void Parse_NetworkFields_AreRegisteredAndTheTransformerMeterNamed()
    {
        using var file = Parse(Document(2, (i, m) => m.Replace("\"port\": 4059", i == 0
            ? "\"port\": 4059, \"consumerId\": \"C-000001\", \"transformerId\": \"DT-0001\", \"feederId\": \"F-01\", \"latitude\": 12.97, \"longitude\": 77.59"
            : "\"port\": 4059, \"feederId\": \"F-01\", \"latitude\": -12.5, \"longitude\": -77.25, \"transformerMeter\": \"DT-0001\"", StringComparison.Ordinal)));

        var consumer = file.Meters[0];
        Assert.Equal(("C-000001", "DT-0001", "F-01", new GeoLocation(12.97, 77.59), (string?)null),
            (consumer.Registration.ConsumerId, consumer.Registration.TransformerId, consumer.Registration.FeederId, consumer.Registration.Location, consumer.TransformerMeter));
        var transformer = file.Meters[1];
        Assert.Equal(((string?)null, (string?)null, "F-01", new GeoLocation(-12.5, -77.25), "DT-0001"),
            (transformer.Registration.ConsumerId, transformer.Registration.TransformerId, transformer.Registration.FeederId, transformer.Registration.Location, transformer.TransformerMeter));
    }

    [Theory]
    [InlineData("\"latitude\": 91, \"longitude\": 0", "latitude must be a number of degrees from -90 to 90")]
    [InlineData("\"latitude\": 12.5", "latitude and longitude go together")]
    [InlineData("\"transformerId\": \"DT-1\", \"transformerMeter\": \"DT-1\"", "a transformer's meter is not its own consumer")]
    [InlineData("\"consumerId\": \"\"", "consumerId must be 1 to 64 printable characters")]
    public void Parse_BadNetworkField_RefusesTheFileNamingIt(string fields, string expected)
    {
        var json = Document(1, (_, m) => m.Replace("\"port\": 4059", "\"port\": 4059, " + fields, StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.StartsWith("fleet.json: meter 0 (MTL00000001): " + expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MetersOnMqttAndCoap_AreReachedAtTheEndpointsTheFileGives()
    {
        using var file = Parse(Document(3, (i, m) => i switch
        {
            1 => m.Replace("\"port\": 4059", "\"port\": 4059, \"endpoint\": \"mqtt://4D544C0000000002\"", StringComparison.Ordinal),
            2 => m.Replace("\"port\": 4059", "\"port\": 4059, \"endpoint\": \"coap://127.0.0.1:5683/m/MTL00000003\"", StringComparison.Ordinal),
            _ => m,
        }));

        Assert.Equal(
            ["dlms+tcp://127.0.0.1:4059?wport=16", "mqtt://4D544C0000000002", "coap://127.0.0.1:5683/m/MTL00000003"],
            file.Meters.Select(m => m.Registration.Endpoint!.ToString()));
    }

    [Fact]
    public async Task AddAsync_MeterOnMqtt_GetsAnMqttPasswordThatOnlyTheInstallationDocumentCarries()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var onMqtt = ProvisioningHarness.Registration(1) with { Endpoint = new MeterEndpoint("mqtt://4D544C0000000001") };
        var mqtt = (await h.Provisioner.AddAsync(onMqtt, "alice")).Meter!.Value;
        var tcp = (await h.Provisioner.AddAsync(ProvisioningHarness.Registration(2), "alice")).Meter!.Value;
        var mqttPath = h.Directory.File("MTL00000001.json");
        var tcpPath = h.Directory.File("MTL00000002.json");

        await h.Provisioner.ExportInstallationAsync(mqtt, mqttPath, "alice");
        await h.Provisioner.ExportInstallationAsync(tcp, tcpPath, "alice");

        using var document = JsonDocument.Parse(File.ReadAllBytes(mqttPath));
        var password = document.RootElement.GetProperty("mqttPassword").GetString()!;
        Assert.Equal(MeterKeySet.GeneratedMqttPasswordLength, password.Length);
        Assert.True(System.Buffers.Text.Base64Url.IsValid(password));
        var stored = await h.Provisioner.UnwrapMqttPasswordAsync(mqtt);
        Assert.Equal(password, Encoding.ASCII.GetString(stored));
        using (var other = JsonDocument.Parse(File.ReadAllBytes(tcpPath)))
        {
            Assert.False(other.RootElement.TryGetProperty("mqttPassword", out _));
        }

        Assert.Empty(await h.Provisioner.UnwrapMqttPasswordAsync(tcp));
        Assert.All(await h.AuditEntriesAsync(), a => Assert.DoesNotContain(password, a.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReissueMqttPasswordAsync_MeterWithOne_NewVersionAuditedOldKept()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var onMqtt = ProvisioningHarness.Registration(1) with { Endpoint = new MeterEndpoint("mqtt://4D544C0000000001") };
        var meter = (await h.Provisioner.AddAsync(onMqtt, "alice")).Meter!.Value;
        var before = Encoding.ASCII.GetString(await h.Provisioner.UnwrapMqttPasswordAsync(meter));

        var version = await h.Provisioner.ReissueMqttPasswordAsync(meter, "bob");

        // Stored keys are never overwritten: the new password is the next version, the newest is the meter's password.
        var after = Encoding.ASCII.GetString(await h.Provisioner.UnwrapMqttPasswordAsync(meter));
        Assert.Equal(2, version);
        Assert.Equal(MeterKeySet.GeneratedMqttPasswordLength, after.Length);
        Assert.NotEqual(before, after);
        Assert.Single(await h.Keys.GetAsync(meter, 1), k => k.Kind == MeterKeyKind.MqttPassword);
        Assert.Single(await h.Keys.GetAsync(meter, 2), k => k.Kind == MeterKeyKind.MqttPassword);
        Assert.Equal(3, await h.Provisioner.ReissueMqttPasswordAsync(meter, "bob"));
        var audited = (await h.AuditEntriesAsync())[^1];
        Assert.Equal(("bob", MeterProvisioner.MqttPasswordReissuedAction), (audited.Actor, audited.Action));
        Assert.DoesNotContain(after, audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReissueMqttPasswordAsync_ThenExportAndRotation_APasswordVersionIsNoKeyGeneration()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var onMqtt = ProvisioningHarness.Registration(1) with { Endpoint = new MeterEndpoint("mqtt://4D544C0000000001") };
        var meter = (await h.Provisioner.AddAsync(onMqtt, "alice")).Meter!.Value;
        Assert.Equal(2, await h.Provisioner.ReissueMqttPasswordAsync(meter, "bob"));
        var path = h.Directory.File("reissued.json");

        // Version 2 of the password sits in generation 2's column: the document still carries generation 1's keys, and
        // a rotation still makes generation 2 with fresh keys rather than taking the password for a rotation under way.
        await h.Provisioner.ExportInstallationAsync(meter, path, "bob");
        using (var document = JsonDocument.Parse(File.ReadAllBytes(path)))
        {
            using var current = (await h.Keyring.GetSecretsAsync(meter, 1))!;
            Assert.Equal(1, document.RootElement.GetProperty("keyGeneration").GetInt32());
            Assert.Equal(Convert.ToHexString(current.Encryption), document.RootElement.GetProperty("encryptionKey").GetString());
            Assert.Equal(Encoding.ASCII.GetString(await h.Provisioner.UnwrapMqttPasswordAsync(meter)), document.RootElement.GetProperty("mqttPassword").GetString());
        }

        Assert.Equal(2, await h.Provisioner.BeginRotationAsync(meter, "alice"));
        using var pending = (await h.Keyring.GetSecretsAsync(meter, 2))!;
        using var first = (await h.Keyring.GetSecretsAsync(meter, 1))!;
        Assert.NotEqual(Convert.ToHexString(first.Encryption), Convert.ToHexString(pending.Encryption));
        Assert.Equal(3, await h.Provisioner.ReissueMqttPasswordAsync(meter, "bob"));
    }

    [Fact]
    public async Task ReissueMqttPasswordAsync_MeterWithoutOne_IssuesItsFirst()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var meter = (await h.Provisioner.AddAsync(ProvisioningHarness.Registration(1), "alice")).Meter!.Value;

        await h.Provisioner.ReissueMqttPasswordAsync(meter, "bob");

        Assert.Equal(MeterKeySet.GeneratedMqttPasswordLength, (await h.Provisioner.UnwrapMqttPasswordAsync(meter)).Length);
    }

    public static TheoryData<string, string, string> BadFields() => new()
    {
        { "\"encryptionKey\": \"" + EncryptionKeys[1] + "\"", "\"encryptionKey\": \"" + EncryptionKeys[1][..30] + "\"", "meter 1 (MTL00000002): encryptionKey must be 32 hex digits (16 bytes)" },
        { "\"masterKey\": \"" + MasterKeys[1] + "\"", "\"masterKey\": \"" + MasterKeys[1][..31] + "G\"", "meter 1 (MTL00000002): masterKey must be 32 hex digits (16 bytes)" },
        { "\"authenticationKey\": \"" + AuthenticationKeys[1] + "\"", "\"authenticationKey\": 5", "meter 1 (MTL00000002): authenticationKey must be 32 hex digits (16 bytes)" },
        { "\"systemTitle\": \"4D544C0000000002\"", "\"systemTitle\": \"4D544C00000002\"", "meter 1 (MTL00000002): systemTitle must be 16 hex digits" },
        { "\"wPort\": 17", "\"wPort\": 70000", "meter 1 (MTL00000002): wPort must be an integer from 1 to 65535" },
        { "\"port\": 4059", "\"port\": \"4059\"", "meter 1 (MTL00000002): port must be an integer from 1 to 65535" },
        { "\"hdlcPhysicalAddress\": 17", "\"hdlcPhysicalAddress\": 3", "meter 1 (MTL00000002): hdlcPhysicalAddress must be an integer from 16 to 16383" },
        { "\"hdlcLogicalAddress\": 1", "\"hdlcLogicalAddress\": 2", "meter 1 (MTL00000002): hdlcLogicalAddress must be an integer from 1 to 1" },
        { "\"host\": \"127.0.0.1\"", "\"host\": \"bad host/\"", "meter 1 (MTL00000002): host must be a host name or IP address of 1 to 253 characters" },
        { "\"profile\": \"is15959-single-phase\"", "\"profile\": \"\"", "meter 1 (MTL00000002): profile must be 1 to 128 printable characters" },
        { "\"householdSeed\": -1379183218", "\"householdSeed\": 1.5", "meter 1 (MTL00000002): householdSeed must be an integer from -2147483648 to 2147483647" },
        { "\"readerPassword\": \"Rd1-pass#Zq\"", "\"readerPassword\": \"short\"", "meter 1 (MTL00000002): readerPassword must be 8 to 16 printable ASCII characters without spaces or escapes" },
        { "\"id\": \"MTL00000002\"", "\"id\": \"MTL 2\"", "meter 1: id must be 1 to 32 letters, digits, '-' or '_'" },
        { "\"port\": 4059", "\"port\": 4059, \"port\": 4060", "meter 1 (MTL00000002): 'port' is given twice" },
        { "\"port\": 4059", "\"port\": 4059, \"zigbee\": \"000000000000FFFF\"", "meter 1 (MTL00000002): zigbee must be a 64-bit radio address of 16 hex digits (not coordinator, broadcast or unknown)" },
        { "\"port\": 4059", "\"port\": 4059, \"zigbee\": \"13A2004D540002\"", "meter 1 (MTL00000002): zigbee must be a 64-bit radio address of 16 hex digits (not coordinator, broadcast or unknown)" },
        { "\"port\": 4059", "\"port\": 4059, \"colour\": \"red\"", "meter 1 (MTL00000002): unknown field 'colour'" },
        { "\"port\": 4059,", string.Empty, "meter 1 (MTL00000002): port is missing" },
        { "\"port\": 4059", "\"port\": 4059, \"nested\": {\"a\": {\"b\": 1}}", "not valid JSON" },
        { "\"port\": 4059", "\"port\": 4059, \"endpoint\": \"mqtt://4D544C0000000001\"", "meter 1 (MTL00000002): an mqtt:// endpoint names the meter's own system title and nothing else (mqtt://{systemTitle})" },
        { "\"port\": 4059", "\"port\": 4059, \"endpoint\": \"coap://127.0.0.1:5683/m/MTL00000002?wport=1\"", "meter 1 (MTL00000002): endpoint must be mqtt://{systemTitle} or coap://host:port/path, without query" },
        { "\"port\": 4059", "\"port\": 4059, \"endpoint\": \"dlms+tcp://10.0.0.1:4059?wport=1\"", "meter 1 (MTL00000002): endpoint must be mqtt://{systemTitle} or coap://host:port/path, without query" },
        { "\"port\": 4059", "\"port\": 4059, \"endpoint\": \"http://10.0.0.1/m\"", "meter 1 (MTL00000002): endpoint scheme http:// is not mqtt:// or coap://" },
        { "\"port\": 4059", "\"port\": 4059, \"endpoint\": \"coap://127.0.0.1:5683\"", "meter 1 (MTL00000002): a coap:// endpoint needs a host and a path" },
        { "\"port\": 4059", "\"port\": 4059, \"zigbee\": \"0013A2004D540002\", \"endpoint\": \"mqtt://4D544C0000000002\"", "meter 1 (MTL00000002): a meter with a zigbee radio has no other endpoint" },
        { "\"port\": 4059", "\"port\": 4059, \"hesPublicKey\": \"04AABB\"", "meter 1 (MTL00000002): hesPublicKey must be an uncompressed P-256 point of 130 hex digits (04, X, Y)" },
        { "\"port\": 4059", "\"port\": 4059, \"hesPublicKey\": \"04" + new string('1', 128) + "\"", "meter 1 (MTL00000002): hesPublicKey must be an uncompressed P-256 point of 130 hex digits (04, X, Y)" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Parse_BadFieldOfOneMeter_RefusesTheFileNamingMeterAndFieldButNoKey(string field, string replacement, string expected)
    {
        var json = Document(3, (i, m) => i == 1 ? m.Replace(field, replacement, StringComparison.Ordinal) : m);

        var e = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.StartsWith("fleet.json: " + expected, e.Message, StringComparison.Ordinal);
        FileKeyProviderTests.AssertNoSecret(e.Message, [.. EncryptionKeys.Concat(AuthenticationKeys).Concat(MasterKeys).Select(Convert.FromHexString)]);
        Assert.DoesNotContain(EncryptionKeys[1][..30], e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "fleet.json: the document is not an object")]
    [InlineData("{\"version\": 2, \"meters\": []}", "fleet.json: version must be 1")]
    [InlineData("{\"meters\": []}", "fleet.json: version must come before meters")]
    [InlineData("{\"version\": 1}", "fleet.json: meters is missing")]
    [InlineData("{\"version\": 1, \"meters\": []}", "fleet.json: meters is empty")]
    [InlineData("{\"version\": 1, \"meters\": {}}", "fleet.json: meters must be an array")]
    [InlineData("{\"version\": 1, \"meters\": [3]}", "fleet.json: meter 0: not an object")]
    [InlineData("{\"version\": 1, \"extra\": 1}", "fleet.json: unknown or repeated field 'extra'")]
    [InlineData("{\"version\": 1, \"meters\": [", "fleet.json: not valid JSON")]
    public void Parse_BadDocument_IsRefused(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ContentAfterTheDocument_IsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Parse(Document(1) + " {}"));

        Assert.StartsWith("fleet.json: not valid JSON at line 21", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileOverTheSizeCap_IsRefusedBeforeParsing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("big.json");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ProvisioningFileReader.MaxFileBytes + 1L);
        }

        var e = Assert.Throws<InvalidDataException>(() => ProvisioningFileReader.Read(path));

        Assert.Equal($"{path}: larger than {ProvisioningFileReader.MaxFileBytes} bytes", e.Message);
    }

    [Fact]
    public async Task ImportFileAsync_ThenAgain_AddsThenSkips_RefusesReusedKeys()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var path = h.Directory.File("fleet.json");
        File.WriteAllText(path, Document(3, (i, m) => i == 2 ? m.Replace(MasterKeys[2], MasterKeys[0], StringComparison.Ordinal) : m));

        var first = await h.Provisioner.ImportFileAsync(path, "alice");
        var second = await h.Provisioner.ImportFileAsync(path, "alice");

        Assert.Equal("2 added, 0 skipped, 1 refused", first.ToString());
        Assert.Equal("meter MTL00000003: masterKey is already used by another meter", first.Results[2].Reason);
        Assert.Equal("0 added, 2 skipped, 1 refused", second.ToString());
        Assert.Equal(2, await h.Meters.CountAsync());
        var meter = (await h.Meters.FindBySerialAsync("MTL00000002"))!;
        Assert.Equal("dlms+tcp://127.0.0.1:4059?wport=17", meter.Endpoint!.ToString());
        using var secrets = (await h.Keyring.GetSecretsAsync(meter.Id, 1))!;
        Assert.Equal(EncryptionKeys[1], Convert.ToHexString(secrets.Encryption));
    }

    [Fact]
    public void Parse_MeterTrustingAHeadEndKey_RegisteredForSignedCommands()
    {
        var point = HesPoint();
        using var file = Parse(Document(2, (i, m) => i == 1 ? WithHesKey(m, point) : m));

        Assert.Equal(SecurityLevel.AuthenticatedEncrypted, file.Meters[0].Registration.SecurityLevel);
        Assert.True(file.Meters[0].HesPublicKey.IsEmpty);
        Assert.Equal(SecurityLevel.AuthenticatedEncryptedSigned, file.Meters[1].Registration.SecurityLevel);
        Assert.Equal(point, file.Meters[1].HesPublicKey.ToArray());
    }

    [Fact]
    public async Task ImportFileAsync_MetersTrustingThisOrAnotherHeadEndKey_SignedOnesAddedForeignOnesRefused()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var path = h.Directory.File("fleet.json");
        var own = h.Provider.Signer.PublicKey.ToArray();
        File.WriteAllText(path, Document(3, (i, m) => i switch { 0 => WithHesKey(m, own), 1 => WithHesKey(m, HesPoint()), _ => m }));

        var report = await h.Provisioner.ImportFileAsync(path, "alice");

        Assert.Equal("2 added, 0 skipped, 1 refused", report.ToString());
        Assert.StartsWith("meter MTL00000002: hesPublicKey is not this head-end's signing key", report.Results[1].Reason, StringComparison.Ordinal);
        Assert.Equal(SecurityLevel.AuthenticatedEncryptedSigned, (await h.Meters.FindBySerialAsync("MTL00000001"))!.SecurityLevel);
        Assert.Equal(SecurityLevel.AuthenticatedEncrypted, (await h.Meters.FindBySerialAsync("MTL00000003"))!.SecurityLevel);
        Assert.Null(await h.Meters.FindBySerialAsync("MTL00000002"));
        Assert.Contains(await h.AuditEntriesAsync(), e => e.Action == "key.refused" && e.Detail.Contains("hesPublicKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportHesPublicKeyAsync_WritesThePemOfTheSigningKeyAndAuditsIt()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var path = h.Directory.File("keys/hes.pem");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        var fingerprint = await h.Provisioner.ExportHesPublicKeyAsync(path, "alice");

        using var key = System.Security.Cryptography.ECDsa.Create();
        var pem = File.ReadAllText(path);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        key.ImportFromPem(pem);
        var parameters = key.ExportParameters(false);
        Assert.Equal(h.Provider.Signer.PublicKey.ToArray(), [0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);
        Assert.Equal(HesPublicKeyFile.Fingerprint(h.Provider.Signer.PublicKey.Span), fingerprint);
        var audited = (await h.AuditEntriesAsync())[^1];
        Assert.Equal("key.hes-public-exported", audited.Action);
        Assert.Contains(fingerprint, audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HesPublicKeyFile_NotAP256Point_Refused()
    {
        Assert.False(HesPublicKeyFile.IsValidPoint(new byte[65]));
        Assert.False(HesPublicKeyFile.IsValidPoint(HesPoint()[..64]));
        Assert.True(HesPublicKeyFile.IsValidPoint(HesPoint()));
        Assert.Throws<ArgumentException>(() => HesPublicKeyFile.ToPem(new byte[65]));
    }

    [Fact]
    public async Task ImportFileAsync_InvalidFile_ImportsNothing()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var path = h.Directory.File("fleet.json");
        File.WriteAllText(path, Document(3, (i, m) => i == 2 ? m.Replace("\"wPort\": 18", "\"wPort\": 0", StringComparison.Ordinal) : m));

        await Assert.ThrowsAsync<InvalidDataException>(() => h.Provisioner.ImportFileAsync(path, "alice"));

        Assert.Equal(0, await h.Meters.CountAsync());
        Assert.Empty(await h.AuditEntriesAsync());
    }

    [Fact]
    public async Task ExportInstallationAsync_Meter_WritesOwnerOnlyDocumentWithKeysAndHesKey()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        using var keys = ProvisioningHarness.Keys3(EncryptionKeys[0], AuthenticationKeys[0], MasterKeys[0]);
        var meter = (await h.Provisioner.ImportAsync(ProvisioningHarness.Registration(1), keys, "alice")).Meter!.Value;
        var path = h.Directory.File("install/MTL00000001.json");

        await h.Provisioner.ExportInstallationAsync(meter, path, "alice");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("MTL00000001", root.GetProperty("serial").GetString());
        Assert.Equal("4D544C0000000001", root.GetProperty("systemTitle").GetString());
        Assert.Equal(1, root.GetProperty("keyGeneration").GetInt32());
        Assert.Equal(EncryptionKeys[0], root.GetProperty("encryptionKey").GetString());
        Assert.Equal(AuthenticationKeys[0], root.GetProperty("authenticationKey").GetString());
        Assert.Equal(MasterKeys[0], root.GetProperty("masterKey").GetString());
        Assert.Equal("Pw-7sK!q", root.GetProperty("readerPassword").GetString());
        Assert.Equal(Convert.ToHexString(h.Provider.Signer.PublicKey.Span), root.GetProperty("hesPublicKey").GetString());
        var exported = (await h.AuditEntriesAsync())[^1];
        Assert.Equal("key.exported", exported.Action);
        FileKeyProviderTests.AssertNoSecret(exported.Detail, Convert.FromHexString(EncryptionKeys[0]), Convert.FromHexString(MasterKeys[0]));
    }

    [Fact]
    public async Task ExportInstallationAsync_DuringRekeying_ExportsThePendingGeneration()
    {
        using var h = await ProvisioningHarness.CreateAsync();
        var meter = (await h.Provisioner.AddAsync(ProvisioningHarness.Registration(1), "alice")).Meter!.Value;
        await h.Provisioner.MarkCompromisedAsync(meter, "system", "cover opened");
        await h.Provisioner.BeginRotationAsync(meter, "alice");
        var path = h.Directory.File("rekey.json");

        await h.Provisioner.ExportInstallationAsync(meter, path, "alice");

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        using var pending = (await h.Keyring.GetSecretsAsync(meter, 2))!;
        Assert.Equal(2, document.RootElement.GetProperty("keyGeneration").GetInt32());
        Assert.Equal(Convert.ToHexString(pending.Encryption), document.RootElement.GetProperty("encryptionKey").GetString());
    }
}
