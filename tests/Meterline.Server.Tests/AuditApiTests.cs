using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Microsoft.Data.Sqlite;

namespace Meterline.Server.Tests;

/// <summary>The audit API on a running node: paged entries, and verification of the hash chain, intact and broken.</summary>
public sealed class AuditApiTests
{
    private static async Task AddMetersAsync(RunningNode node, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await node.Node.Provisioner.AddAsync(new MeterRegistration($"AU{i:D6}", new MeterSystemTitle(0x4D544C00A0000000UL + (ulong)i), "is15959-single-phase"), "auditor");
        }
    }

    private static async Task<List<JsonElement>> AllAsync(RunningNode node, int pageSize)
    {
        var entries = new List<JsonElement>();
        long? after = 0;
        for (var pages = 0; after is { } from && pages < 100; pages++)
        {
            var page = await node.Client.GetFromJsonElementAsync($"/api/audit?after={from}&pageSize={pageSize}");
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            after = page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfter").GetInt64();
        }

        return entries;
    }

    [Fact]
    public async Task ListAudit_Paged_EveryEntryOnceInSequenceOrder()
    {
        await using var node = await RunningNode.StartAsync();
        await AddMetersAsync(node, 5);

        var entries = await AllAsync(node, 2);

        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(5, entries.Count(e => e.GetProperty("action").GetString() == "key.generated" && e.GetProperty("actor").GetString() == "auditor"));
        var first = entries[0];
        Assert.Equal(new string('0', 64), first.GetProperty("previousHash").GetString());
        Assert.Equal(first.GetProperty("hash").GetString(), entries[1].GetProperty("previousHash").GetString());
        Assert.Equal(JsonValueKind.Object, first.GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task VerifyAudit_IntactLog_OkWithEveryEntryVerified()
    {
        await using var node = await RunningNode.StartAsync();
        await AddMetersAsync(node, 3);
        var count = (await AllAsync(node, 1000)).Count;

        using var response = await Api.PostAsync(node.Client, "/api/audit/verify", string.Empty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verification = await Api.JsonAsync(response);
        Assert.True(verification.GetProperty("intact").GetBoolean());
        Assert.Equal("None", verification.GetProperty("break").GetString());
        Assert.Equal(count, verification.GetProperty("entriesVerified").GetInt64());
        Assert.Equal(JsonValueKind.Null, verification.GetProperty("brokenSequence").ValueKind);
    }

    [Fact]
    public async Task VerifyAudit_EntryAlteredInTheDatabase_ReportsTheFirstBreak()
    {
        await using var node = await RunningNode.StartAsync();
        await AddMetersAsync(node, 4);
        await using (var connection = new SqliteConnection("Data Source=" + node.DatabasePath))
        {
            await connection.OpenAsync();
            await using var alter = connection.CreateCommand();
            alter.CommandText = "UPDATE audit SET actor = 'mallory' WHERE sequence = 3";
            Assert.Equal(1, await alter.ExecuteNonQueryAsync());
        }

        using var response = await Api.PostAsync(node.Client, "/api/audit/verify", "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verification = await Api.JsonAsync(response);
        Assert.False(verification.GetProperty("intact").GetBoolean());
        Assert.Equal("HashMismatch", verification.GetProperty("break").GetString());
        Assert.Equal(3, verification.GetProperty("brokenSequence").GetInt64());
        Assert.Equal(2, verification.GetProperty("entriesVerified").GetInt64());
        Assert.DoesNotContain("mallory", verification.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAudit_AnchorTheLogNoLongerReaches_Truncated()
    {
        await using var node = await RunningNode.StartAsync();
        await AddMetersAsync(node, 2);
        var last = (await AllAsync(node, 1000))[^1];
        var anchor = $$$"""{"anchor":{"sequence":{{{last.GetProperty("sequence").GetInt64() + 5}}},"hash":"{{{last.GetProperty("hash").GetString()}}}"}}""";
        var held = $$$"""{"anchor":{"sequence":{{{last.GetProperty("sequence").GetInt64()}}},"hash":"{{{last.GetProperty("hash").GetString()}}}"}}""";

        var truncated = await Api.JsonAsync(await Api.PostAsync(node.Client, "/api/audit/verify", anchor));
        var intact = await Api.JsonAsync(await Api.PostAsync(node.Client, "/api/audit/verify", held));

        Assert.Equal("Truncated", truncated.GetProperty("break").GetString());
        Assert.False(truncated.GetProperty("intact").GetBoolean());
        Assert.True(intact.GetProperty("intact").GetBoolean());
    }

    [Theory]
    [InlineData("""{"anchor":{"sequence":0,"hash":"00"}}""")]
    [InlineData("""{"anchor":{"sequence":3,"hash":"zz"}}""")]
    [InlineData("""{"anchor":""")]
    public async Task VerifyAudit_BadAnchor_Returns400(string body)
    {
        await using var node = await RunningNode.StartAsync();

        using var response = await Api.PostAsync(node.Client, "/api/audit/verify", body);

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
    }

    [Theory]
    [InlineData("/api/audit?pageSize=0")]
    [InlineData("/api/audit?pageSize=1001")]
    [InlineData("/api/audit?after=-1")]
    public async Task ListAudit_BadPaging_Returns400(string uri)
    {
        await using var node = await RunningNode.StartAsync();

        using var response = await node.Client.GetAsync(new Uri(uri, UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-paging");
    }
}
