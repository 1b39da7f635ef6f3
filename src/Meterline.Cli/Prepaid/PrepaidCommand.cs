using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.Prepaid;

/// <summary>
/// `meterline prepaid`: prepaid accounts through the head-end's API (docs/prepaid.md): open one, show it and its ledger,
/// top up, adjust (admin), and the adjustments that wait for a second admin (list, approve, reject). Top-ups and
/// adjustments carry an idempotency key: given with <c>--key</c>, or made here and printed, so that a retry after a
/// lost answer is applied once.
/// </summary>
internal static class PrepaidCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("prepaid", "Prepaid accounts: open, show, ledger, top-up, adjust; adjustment requests: requests, approve, reject");
        api.AddTo(command);
        command.Add(CreateOpen(api, output, error));
        command.Add(CreateShow(api, output, error));
        command.Add(CreateLedger(api, output, error));
        command.Add(CreateKeyed(api, output, error, "top-up", "Credit a consumer's account (a payment)", "top-ups", "reference", "What the payment was, e.g. a receipt number"));
        command.Add(CreateKeyed(api, output, error, "adjust", "Admin only: credit (positive) or debit (negative) an account with a reason; above the approval amount it waits for a second admin", "adjustments", "reason", "Why, for the ledger and the audit log"));
        command.Add(CreateRequests(api, output, error));
        command.Add(CreateDecision(api, output, error, "approve", "Admin only, not the requester: approve an adjustment request; its entry is posted"));
        command.Add(CreateDecision(api, output, error, "reject", "Admin only: reject an adjustment request (the requester may withdraw their own); nothing is posted"));
        return command;
    }

    private static Command CreateOpen(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var consumer = ConsumerArgument();
        var command = new Command("open", "Put a consumer on prepaid (a zero balance; the consumer needs a tariff)") { consumer };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var opened = await client.PutJsonAsync(AccountPath(result.GetValue(consumer)!), "{}", cancellationToken).ConfigureAwait(false);
            CliConsole.For(output).WriteLine((opened.Status == System.Net.HttpStatusCode.Created ? "opened: " : "already on prepaid: ") + Summary(opened.Body));
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateShow(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var consumer = ConsumerArgument();
        var command = new Command("show", "A consumer's balance, supply state, thresholds, last deduction and pending disconnect") { consumer };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var account = await client.GetAsync(AccountPath(result.GetValue(consumer)!), cancellationToken).ConfigureAwait(false);
            var table = new Table().AddColumns("Field", "Value").HideHeaders();
            foreach (var name in new[] { "consumer", "currency", "balance", "state", "lowBalance", "lowBalanceThreshold", "disconnectThreshold", "reconnectThreshold", "entries", "createdAt", "createdBy" })
            {
                table.AddRow(Markup.Escape(name), Cell(account, name));
            }

            table.AddRow("lastDeduction", Markup.Escape(account.TryGetProperty("lastDeduction", out var last) && last.ValueKind == JsonValueKind.Object
                ? $"{JsonFields.Text(last, "amount")} at {JsonFields.Text(last, "at")}"
                : "-"));
            table.AddRow("pendingDisconnect", Markup.Escape(account.TryGetProperty("pendingDisconnect", out var pending) && pending.ValueKind == JsonValueKind.Object
                ? "due " + JsonFields.Text(pending, "dueAt")
                : "-"));
            CliConsole.For(output).Write(table);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateLedger(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var consumer = ConsumerArgument();
        var limit = new Option<int>("--limit") { Description = "Entries to show, newest first (1 to 1,000; default 50)", DefaultValueFactory = _ => 50 };
        var command = new Command("ledger", "A consumer's ledger, newest entry first") { consumer, limit };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var wanted = result.GetValue(limit);
            if (wanted is < 1 or > 1_000)
            {
                throw new CommandException("--limit is 1 to 1,000", ApiExitCodes.Usage);
            }

            using var client = api.CreateClient(result);
            var table = new Table().AddColumns("Seq", "Kind", "Amount", "Balance after", "At", "Actor", "Reference");
            string? token = null;
            var shown = 0;
            do
            {
                var path = AccountPath(result.GetValue(consumer)!) + "/ledger?pageSize=" + Math.Min(wanted - shown, 1_000).ToString(CultureInfo.InvariantCulture)
                    + (token is null ? string.Empty : "&pageToken=" + ApiCommand.Escape(token));
                var page = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                foreach (var entry in JsonFields.Items(page))
                {
                    table.AddRow(Cell(entry, "sequence"), Cell(entry, "kind"), Cell(entry, "amount"), Cell(entry, "balanceAfter"), Cell(entry, "at"), Cell(entry, "actor"), Cell(entry, "reference"));
                    shown++;
                }

                token = JsonFields.NextPageToken(page);
            }
            while (token is not null && shown < wanted);

            CliConsole.For(output).Write(table);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>A top-up or an adjustment: an amount, a text, and one idempotency key (given, or made and printed).</summary>
    private static Command CreateKeyed(ApiConnectionOptions api, TextWriter output, TextWriter error, string name, string description, string resource, string textField, string textDescription)
    {
        var consumer = ConsumerArgument();
        var amount = new Option<string?>("--amount") { Description = "The amount in the account's currency, e.g. 500.00 (required)" };
        var text = new Option<string?>("--" + textField) { Description = textDescription + (textField == "reason" ? " (required)" : string.Empty) };
        var key = new Option<string?>("--key") { Description = "Idempotency key (1 to 128 printable characters); a retry with the same key is applied once. Default: a new random key, printed" };
        var command = new Command(name, description) { consumer, amount, text, key };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            if (result.GetValue(amount) is not { } amountText
                || !decimal.TryParse(amountText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new CommandException("--amount is required: a number such as 500.00 or -120.25", ApiExitCodes.Usage);
            }

            var body = new JsonObject { ["amount"] = value };
            if (result.GetValue(text) is { } given)
            {
                body[textField] = given;
            }
            else if (textField == "reason")
            {
                throw new CommandException("--reason is required: it is recorded in the ledger and the audit log", ApiExitCodes.Usage);
            }

            var idempotencyKey = result.GetValue(key) ?? "cli-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            using var client = api.CreateClient(result);
            var answer = await client.PostJsonAsync(AccountPath(result.GetValue(consumer)!) + "/" + resource, body.ToJsonString(), cancellationToken,
                new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey }).ConfigureAwait(false);
            var console = CliConsole.For(output);
            if (answer.Status == System.Net.HttpStatusCode.Accepted)
            {
                console.WriteLine($"awaiting a second admin: request {JsonFields.Text(answer.Body, "id")} for {JsonFields.Text(answer.Body, "amount")}, expires {JsonFields.Text(answer.Body, "expiresAt")}; nothing posted yet");
                console.WriteLine($"another admin approves it with: meterline prepaid approve {JsonFields.Text(answer.Body, "id")}");
            }
            else
            {
                var entry = answer.Body.GetProperty("entry");
                var repeated = answer.Body.TryGetProperty("repeated", out var r) && r.ValueKind == JsonValueKind.True;
                console.WriteLine($"{(repeated ? "already applied (this key was used before): " : "posted: ")}entry {JsonFields.Text(entry, "sequence")}, {JsonFields.Text(entry, "kind")} {JsonFields.Text(entry, "amount")}; {Summary(answer.Body.GetProperty("account"))}");
            }

            console.WriteLine($"idempotency key: {idempotencyKey} (give it with --key to retry safely)");
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateRequests(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var state = new Option<string?>("--state") { Description = "pending, applied, rejected or expired" };
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer's requests" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (1 to 1,000; default 100)", DefaultValueFactory = _ => 100 };
        var command = new Command("requests", "Admin only: adjustments above the approval amount, newest first") { state, consumer, limit };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var query = "?limit=" + result.GetValue(limit).ToString(CultureInfo.InvariantCulture)
                + (result.GetValue(state) is { } s ? "&state=" + ApiCommand.Escape(s) : string.Empty)
                + (result.GetValue(consumer) is { } c ? "&consumer=" + ApiCommand.Escape(c) : string.Empty);
            using var client = api.CreateClient(result);
            var requests = await client.GetAsync("/api/prepaid/adjustment-requests" + query, cancellationToken).ConfigureAwait(false);
            var table = new Table().AddColumns("Id", "Consumer", "Amount", "Reason", "Requested by", "Requested", "Expires", "State", "Decided by");
            foreach (var request in requests.EnumerateArray())
            {
                table.AddRow(Cell(request, "id"), Cell(request, "consumer"), Cell(request, "amount"), Cell(request, "reason"), Cell(request, "requestedBy"),
                    Cell(request, "requestedAt"), Cell(request, "expiresAt"), Cell(request, "state"), Cell(request, "decidedBy"));
            }

            CliConsole.For(output).Write(table);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDecision(ApiConnectionOptions api, TextWriter output, TextWriter error, string verb, string description)
    {
        var id = new Argument<long>("id") { Description = "The request's id (meterline prepaid requests)" };
        var command = new Command(verb, description) { id };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var decided = await client.PostJsonAsync("/api/prepaid/adjustment-requests/" + result.GetValue(id).ToString(CultureInfo.InvariantCulture) + "/" + verb, "{}", cancellationToken)
                .ConfigureAwait(false);
            var request = decided.Body.GetProperty("request");
            var line = $"request {JsonFields.Text(request, "id")}: {JsonFields.Text(request, "state")} by {JsonFields.Text(request, "decidedBy")}";
            if (decided.Body.TryGetProperty("entry", out var entry) && entry.ValueKind == JsonValueKind.Object)
            {
                line += $"; entry {JsonFields.Text(entry, "sequence")} posted";
            }

            if (decided.Body.TryGetProperty("account", out var account) && account.ValueKind == JsonValueKind.Object)
            {
                line += "; " + Summary(account);
            }

            CliConsole.For(output).WriteLine(line);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> ConsumerArgument() => new("consumer") { Description = "The consumer's id" };

    private static string AccountPath(string consumer) => "/api/prepaid/" + ApiCommand.Escape(consumer);

    private static string Summary(JsonElement account) =>
        $"{JsonFields.Text(account, "consumer")} balance {JsonFields.Text(account, "balance")} {JsonFields.Text(account, "currency")}, {JsonFields.Text(account, "state")}"
        + (account.TryGetProperty("lowBalance", out var low) && low.ValueKind == JsonValueKind.True ? ", low balance" : string.Empty);

    private static string Cell(JsonElement element, string name) => Markup.Escape(JsonFields.Text(element, name));
}
