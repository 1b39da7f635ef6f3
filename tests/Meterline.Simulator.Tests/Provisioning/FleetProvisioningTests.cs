using System.Text.Json.Nodes;
using Meterline.Simulator.Provisioning;

namespace Meterline.Simulator.Tests.Provisioning;

public sealed class FleetProvisioningTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-provisioning-").FullName;

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static FleetLayout Layout(int meters, bool portPerMeter = false) =>
        new() { Meters = meters, ProfileId = "is15959-single-phase", Port = 4059, PortPerMeter = portPerMeter, Seed = 7 };

    [Fact]
    public void Create_FiveMeters_IdentitiesAddressesAndKeysAreDistinct()
    {
        var fleet = FleetProvisioning.Create(Layout(5));

        Assert.Equal(["MTL00000001", "MTL00000002", "MTL00000003", "MTL00000004", "MTL00000005"], fleet.Meters.Select(m => m.Id));
        Assert.All(fleet.Meters, m => Assert.Equal("MTL", m.SystemTitle.ManufacturerId));
        Assert.Equal(5, fleet.Meters.Select(m => m.SystemTitle).Distinct().Count());
        Assert.Equal([16, 17, 18, 19, 20], fleet.Meters.Select(m => m.PhysicalAddress));
        Assert.Equal([16, 17, 18, 19, 20], fleet.Meters.Select(m => (int)m.WPort));
        Assert.All(fleet.Meters, m => Assert.Equal(4059, m.Port));
        var keys = fleet.Meters.SelectMany(m => new[] { m.Keys.GlobalUnicastEncryptionKey, m.Keys.AuthenticationKey, m.Keys.MasterKey }).Select(k => Convert.ToHexString(k.Span)).ToList();
        Assert.All(keys, k => Assert.Equal(32, k.Length));
        Assert.Equal(15, keys.Distinct().Count());
        Assert.All(fleet.Meters, m => Assert.InRange(m.ReaderPassword.Length, 8, 16));
        Assert.All(fleet.Meters, m => Assert.True(m.ReaderPassword.All(c => c is >= '!' and <= '~')));
        Assert.Equal(5, fleet.Meters.Select(m => m.HouseholdSeed).Distinct().Count());
    }

    [Fact]
    public void Create_WithHesPublicKey_NewMetersTrustItKeptMetersKeepTheirs()
    {
        var first = FleetProvisioning.Create(Layout(2));
        var point = HesPoint();

        var fleet = FleetProvisioning.Create(Layout(3), first, point);

        Assert.All(fleet.Meters.Take(2), m => Assert.True(m.Keys.HesPublicKey.IsEmpty));
        Assert.Equal(point, fleet.Meters[2].Keys.HesPublicKey.ToArray());
    }

    [Fact]
    public void WriteRead_WithHesPublicKey_RoundTrips()
    {
        var point = HesPoint();
        var fleet = FleetProvisioning.Create(Layout(2), hesPublicKey: point);
        var path = PathOf("fleet.json");

        FleetProvisioningFile.Write(path, fleet);
        var read = FleetProvisioningFile.Read(path);

        Assert.All(read.Meters, m => Assert.Equal(point, m.Keys.HesPublicKey.ToArray()));
        Assert.Contains(Convert.ToHexString(point), File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(fleet.Meters, read.Meters);
    }

    [Fact]
    public void HesPublicKeyPem_PublicKey_TheUncompressedPoint()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var point = HesPublicKeyPem.Parse(key.ExportSubjectPublicKeyInfoPem(), "hes.pem");

        var parameters = key.ExportParameters(false);
        Assert.Equal([0x04, .. parameters.Q.X!, .. parameters.Q.Y!], point);
    }

    [Theory]
    [InlineData("private", "PUBLIC KEY")]
    [InlineData("p384", "not an ECDSA P-256 public key")]
    [InlineData("garbage", "not a PEM public key")]
    public void HesPublicKeyPem_NotAP256PublicKey_ThrowsNamingTheFile(string what, string expected)
    {
        using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        var pem = what switch
        {
            "private" => p256.ExportPkcs8PrivateKeyPem(),
            "p384" => p384.ExportSubjectPublicKeyInfoPem(),
            _ => "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        };

        var error = Assert.Throws<InvalidDataException>(() => HesPublicKeyPem.Parse(pem, "hes.pem"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("hes.pem:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_PortPerMeter_EachMeterHasItsPortAndWPortOne()
    {
        var fleet = FleetProvisioning.Create(Layout(3, portPerMeter: true));

        Assert.Equal([4059, 4060, 4061], fleet.Meters.Select(m => m.Port));
        Assert.All(fleet.Meters, m => Assert.Equal(1, m.WPort));
    }

    [Fact]
    public void WriteRead_RoundTrip_ReturnsTheSameFleet()
    {
        var fleet = FleetProvisioning.Create(Layout(4));
        var path = PathOf("fleet.json");

        FleetProvisioningFile.Write(path, fleet);
        var read = FleetProvisioningFile.Read(path);

        Assert.Equal(fleet.Meters.Count, read.Meters.Count);
        for (var i = 0; i < fleet.Meters.Count; i++)
        {
            Assert.Equal(fleet.Meters[i], read.Meters[i]);
            Assert.Equal(fleet.Meters[i].ReaderPassword, read.Meters[i].ReaderPassword);
        }
    }

    [Fact]
    public void Write_File_IsReadableByTheOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = PathOf("fleet.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        FleetProvisioningFile.Write(path, FleetProvisioning.Create(Layout(1)));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Create_OverAnExistingFleet_KeepsEachMetersKeysAndAddsNewOnes()
    {
        var first = FleetProvisioning.Create(Layout(2));

        var second = FleetProvisioning.Create(Layout(3, portPerMeter: true), first);

        Assert.Equal(first.Meters[0].Keys, second.Meters[0].Keys);
        Assert.Equal(first.Meters[1].Keys, second.Meters[1].Keys);
        Assert.Equal(first.Meters[1].HouseholdSeed, second.Meters[1].HouseholdSeed);
        Assert.Equal(4060, second.Meters[1].Port);
        Assert.NotEqual(first.Meters[0].Keys, second.Meters[2].Keys);
        Assert.NotEqual(first.Meters[1].Keys, second.Meters[2].Keys);
    }

    [Fact]
    public void Create_FewerMetersThanExisting_LeavesTheRestOut()
    {
        var first = FleetProvisioning.Create(Layout(3));

        var second = FleetProvisioning.Create(Layout(1), first);

        var only = Assert.Single(second.Meters);
        Assert.Equal(first.Meters[0].Keys, only.Keys);
    }

    [Fact]
    public void ToString_NamesTheMeterWithoutItsSecrets()
    {
        var meter = FleetProvisioning.Create(Layout(1)).Meters[0];

        var text = meter.ToString() + meter.Keys;

        Assert.Contains("MTL00000001", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(meter.Keys.GlobalUnicastEncryptionKey.Span), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(meter.ReaderPassword, text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "version", "version must be 1" },
        { "meters-empty", "meters must hold" },
        { "key-short", "encryptionKey must be 32 hex digits" },
        { "key-not-hex", "authenticationKey must be 32 hex digits" },
        { "key-repeated", "a key repeats another key" },
        { "id-duplicate", "duplicate id" },
        { "id-bad", "id must be" },
        { "title-duplicate", "duplicate systemTitle" },
        { "title-short", "systemTitle must be 16 hex digits" },
        { "address-duplicate", "duplicate hdlcPhysicalAddress" },
        { "address-low", "hdlcPhysicalAddress must be an integer from 16" },
        { "port-zero", "port must be an integer from 1" },
        { "password-short", "readerPassword must be 8 to 16" },
        { "password-missing", "readerPassword must be a string" },
        { "not-json", "not valid JSON" },
        { "hes-short", "hesPublicKey must be an uncompressed P-256 point" },
        { "hes-off-curve", "hesPublicKey must be an uncompressed P-256 point" },
        { "endpoint-other-title", "endpoint must be mqtt://{systemTitle} or coap://host:port/path" },
        { "endpoint-tcp", "endpoint must be mqtt://{systemTitle} or coap://host:port/path" },
        { "endpoint-coap-query", "endpoint must be mqtt://{systemTitle} or coap://host:port/path" },
        { "endpoint-and-zigbee", "a meter with a zigbee radio has no other endpoint" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Read_InvalidFile_ThrowsNamingTheProblemButNoSecret(string corruption, string expected)
    {
        var fleet = FleetProvisioning.Create(Layout(2));
        var path = PathOf("fleet.json");
        FleetProvisioningFile.Write(path, fleet);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var meters = root["meters"]!.AsArray();
        var second = meters[1]!;
        switch (corruption)
        {
            case "version": root["version"] = 2; break;
            case "meters-empty": meters.Clear(); break;
            case "key-short": second["encryptionKey"] = "00112233"; break;
            case "key-not-hex": second["authenticationKey"] = new string('G', 32); break;
            case "key-repeated": second["masterKey"] = meters[0]!["encryptionKey"]!.GetValue<string>(); break;
            case "id-duplicate": second["id"] = "MTL00000001"; break;
            case "id-bad": second["id"] = "../etc/passwd"; break;
            case "title-duplicate": second["systemTitle"] = meters[0]!["systemTitle"]!.GetValue<string>(); break;
            case "title-short": second["systemTitle"] = "4D544C"; break;
            case "address-duplicate": second["hdlcPhysicalAddress"] = 16; break;
            case "address-low": second["hdlcPhysicalAddress"] = 3; break;
            case "port-zero": second["port"] = 0; break;
            case "password-short": second["readerPassword"] = "abc"; break;
            case "password-missing": second.AsObject().Remove("readerPassword"); break;
            case "not-json": break;
            case "hes-short": second["hesPublicKey"] = "04AABB"; break;
            case "hes-off-curve": second["hesPublicKey"] = "04" + new string('1', 128); break;
            case "endpoint-other-title": second["endpoint"] = "mqtt://" + meters[0]!["systemTitle"]!.GetValue<string>(); break;
            case "endpoint-tcp": second["endpoint"] = "dlms+tcp://127.0.0.1:4059?wport=1"; break;
            case "endpoint-coap-query": second["endpoint"] = "coap://127.0.0.1:5683/m/MTL00000002?wport=1"; break;
            case "endpoint-and-zigbee":
                second["endpoint"] = "mqtt://" + second["systemTitle"]!.GetValue<string>();
                second["zigbee"] = "0013A2004D540002";
                break;
            default: throw new ArgumentOutOfRangeException(nameof(corruption));
        }

        File.WriteAllText(path, corruption == "not-json" ? "{\"version\": 1, \"meters\": [" : root.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => FleetProvisioningFile.Read(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        foreach (var meter in fleet.Meters)
        {
            Assert.DoesNotContain(Convert.ToHexString(meter.Keys.GlobalUnicastEncryptionKey.Span), error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void WriteRead_MqttAndCoapEndpoints_RoundTrip()
    {
        var meters = FleetProvisioning.Create(Layout(3)).Meters;
        var fleet = new FleetProvisioning(
        [
            meters[0],
            meters[1] with { Endpoint = MeterEndpoints.Mqtt(meters[1].SystemTitle) },
            meters[2] with { Endpoint = MeterEndpoints.Coap("127.0.0.1", 5683, meters[2].Id) },
        ]);
        var path = PathOf("fleet.json");

        FleetProvisioningFile.Write(path, fleet);
        var read = FleetProvisioningFile.Read(path);

        Assert.Equal([null, "mqtt://4D544C0000000002", "coap://127.0.0.1:5683/m/MTL00000003"], read.Meters.Select(m => m.Endpoint));
        Assert.All(read.Meters, m => Assert.NotNull(m.MqttPassword));
    }

    [Fact]
    public void ReadIfExists_NoFile_ReturnsNull() => Assert.Null(FleetProvisioningFile.ReadIfExists(PathOf("absent.json")));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] HesPoint()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
    }
}
