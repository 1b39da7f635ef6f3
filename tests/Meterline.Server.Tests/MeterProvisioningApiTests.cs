using System.Net;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests;

/// <summary>Registering meters and importing provisioning files through the API of a running node.</summary>
public sealed class MeterProvisioningApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private HttpClient Client => fixture.Node.Client;

    private static string Registration(string serial, string title, string profile = "is15959-single-phase", string extra = "") =>
        $$"""{"serial":"{{serial}}","systemTitle":"{{title}}","profile":"{{profile}}","endpoint":"dlms+tcp://10.0.0.5:4059?wport=1","consumer":"C-1","location":{"latitude":12.97,"longitude":77.59},"transformer":"TR-9","feeder":"FD-2"{{extra}}}""";

    [Fact]
    public async Task AddMeter_Valid_Returns201WithoutAnyKeyAndStoresFreshKeys()
    {
        using var response = await Api.PostAsync(Client, "/api/meters", Registration("PR000001", "4D544C00B0000001"), actor: "installer");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal("/api/meters/PR000001", response.Headers.Location?.OriginalString);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("4D544C00B0000001", json.RootElement.GetProperty("systemTitle").GetString());
        Assert.Equal("TR-9", json.RootElement.GetProperty("transformer").GetString());
        Assert.Equal("Active", json.RootElement.GetProperty("keyStatus").GetString());
        var id = new MeterId(json.RootElement.GetProperty("id").GetInt32());
        using var secrets = await fixture.Node.Node.Keyring.GetSecretsAsync(id, 1);
        Assert.NotNull(secrets);
        foreach (var secret in new[] { secrets.Encryption.ToArray(), secrets.Authentication.ToArray(), secrets.Master.ToArray() })
        {
            Assert.DoesNotContain(Convert.ToHexString(secret), body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Encoding.ASCII.GetString(secrets.ReaderPassword), body, StringComparison.Ordinal);
        Assert.DoesNotContain("key\"", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AddMeter_SerialTakenWithAnotherSystemTitle_Returns409MeterRefused()
    {
        using var first = await Api.PostAsync(Client, "/api/meters", Registration("PR000002", "4D544C00B0000002"));
        using var second = await Api.PostAsync(Client, "/api/meters", Registration("PR000002", "4D544C00B0000003"));
        using var titleTaken = await Api.PostAsync(Client, "/api/meters", Registration("PR000004", "4D544C00B0000002"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Contains("another system title", await Api.AssertProblemAsync(second, HttpStatusCode.Conflict, "meter-refused"), StringComparison.Ordinal);
        Assert.Contains("belongs to meter PR000002", await Api.AssertProblemAsync(titleTaken, HttpStatusCode.Conflict, "meter-refused"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"serial":"bad serial!","systemTitle":"4D544C00B0000010","profile":"is15959-single-phase"}""", "serial")]
    [InlineData("""{"serial":"PR000010","systemTitle":"4D544C","profile":"is15959-single-phase"}""", "systemTitle")]
    [InlineData("""{"serial":"PR000010","systemTitle":"4D544C00B0000010","profile":"no-such-profile"}""", "profile")]
    [InlineData("""{"serial":"PR000010","systemTitle":"4D544C00B0000010","profile":"is15959-single-phase","endpoint":"not a uri"}""", "endpoint")]
    [InlineData("""{"serial":"PR000010","systemTitle":"4D544C00B0000010","profile":"is15959-single-phase","location":{"latitude":95,"longitude":0}}""", "location")]
    [InlineData("""{"serial":"PR000010","systemTitle":"4D544C00B0000010","profile":"is15959-single-phase","consumer":""}""", "consumer")]
    [InlineData("""{"systemTitle":"4D544C00B0000010","profile":"is15959-single-phase"}""", "serial")]
    public async Task AddMeter_InvalidField_Returns400NamingIt(string body, string field)
    {
        using var response = await Api.PostAsync(Client, "/api/meters", body);

        var detail = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-registration");
        Assert.StartsWith(field, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMeter_UnknownField_Returns400BadRequest()
    {
        using var response = await Api.PostAsync(Client, "/api/meters", """{"serail":"PR000030","systemTitle":"4D544C00B0000030","profile":"is15959-single-phase"}""");

        Assert.Contains("serail", await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad-request"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMeters_FleetFile_AddsEachMeterThenSkipsThemOnASecondImport()
    {
        await using var fleet = await TestFleet.StartAsync(3, push: null);
        var file = await File.ReadAllTextAsync(fleet.ProvisioningPath);

        using var first = await Api.PostAsync(Client, "/api/meters/import", file, actor: "importer");
        using var second = await Api.PostAsync(Client, "/api/meters/import", file, actor: "importer");

        var report = await Api.JsonAsync(first);
        Assert.True(first.StatusCode == HttpStatusCode.OK, report.ToString());
        Assert.Equal(3, report.GetProperty("added").GetInt32());
        Assert.Equal(["MTL00000001", "MTL00000002", "MTL00000003"], report.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("serial").GetString()));
        Assert.All(report.GetProperty("results").EnumerateArray(), r => Assert.Equal("Added", r.GetProperty("outcome").GetString()));
        var again = await Api.JsonAsync(second);
        Assert.Equal(3, again.GetProperty("skipped").GetInt32());
        var meter = await Client.GetFromJsonElementAsync("/api/meters/MTL00000002");
        Assert.StartsWith("dlms+tcp://127.0.0.1:", meter.GetProperty("endpoint").GetString(), StringComparison.Ordinal);
        var keys = JsonDocument.Parse(file).RootElement.GetProperty("meters")[1].GetProperty("encryptionKey").GetString()!;
        Assert.DoesNotContain(keys, report.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"version":2,"meters":[]}""", "version must be 1")]
    [InlineData("""{"version":1,"meters":[{"id":"X1"}]}""", "meter 0 (X1)")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task ImportMeters_InvalidFile_Returns400AndImportsNothing(string body, string expected)
    {
        using var response = await Api.PostAsync(Client, "/api/meters/import", body);

        Assert.Contains(expected, await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-provisioning-file"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMeters_UnknownProfile_Returns400AndImportsNothing()
    {
        await using var fleet = await TestFleet.StartAsync(2, push: null);
        var file = (await File.ReadAllTextAsync(fleet.ProvisioningPath)).Replace("is15959-single-phase", "is-9999", StringComparison.Ordinal);
        var serial = JsonDocument.Parse(file).RootElement.GetProperty("meters")[0].GetProperty("id").GetString()!;
        var before = await fixture.Node.Node.Meters.FindBySerialAsync(serial);

        using var response = await Api.PostAsync(Client, "/api/meters/import", file);

        Assert.Contains("profile 'is-9999'", await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-provisioning-file"), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.Node.Node.Meters.FindBySerialAsync(serial));
    }

    [Fact]
    public async Task ImportMeters_BodyOverTheLimit_Returns413()
    {
        var body = new string(' ', (8 << 20) + 1);

        using var response = await Api.PostAsync(Client, "/api/meters/import", body);

        await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task ReadOnlyServer_NoProvisioningEndpoints_PostIs405()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await Api.PostAsync(server.Client, "/api/meters", Registration("PR000020", "4D544C00B0000020"));

        await Api.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }
}
