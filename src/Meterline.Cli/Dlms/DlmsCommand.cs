using System.CommandLine;
using System.Globalization;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Cli.Dlms;

/// <summary>
/// `meterline dlms`: talk to any conforming DLMS/COSEM meter over TCP or a serial port — read attributes (registers
/// with scaler and unit, profiles by date range or entry), list the association's objects, invoke methods.
/// </summary>
internal static class DlmsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new DlmsConnectionOptions();
        var command = new Command("dlms", "DLMS/COSEM client tools for any conforming meter");
        command.Add(CreateRead(connection, output, error));
        command.Add(CreateObjects(connection, output, error));
        command.Add(CreateAction(connection, output, error));
        return command;
    }

    private static Command CreateRead(DlmsConnectionOptions connection, TextWriter output, TextWriter error)
    {
        var obis = new Argument<string>("obis") { Description = "Logical name, e.g. 1.0.1.8.0.255 or 1-0:1.8.0*255" };
        var classId = new Option<ushort?>("--class") { Description = "Interface class (default 3 Register; 7 for a profile, 8 for the clock)" };
        var attribute = new Option<sbyte>("--attribute") { Description = "Attribute index", DefaultValueFactory = _ => 2 };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Profile: first capture time (ISO 8601), by range on the clock column" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Profile: last capture time (ISO 8601)" };
        var entries = new Option<string?>("--entries") { Description = "Profile: entries FIRST-LAST (1-based; LAST 0 = newest)" };
        var raw = new Option<bool>("--raw") { Description = "Print the value without applying scaler and unit" };
        var command = new Command("read", "Read an attribute; registers are shown with scaler and unit, profiles as a table")
        {
            obis, classId, attribute, from, to, entries, raw,
        };
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(error, async () =>
        {
            var logicalName = DlmsConnectionOptions.ParseObis(result.GetValue(obis)!);
            var profileRequested = result.GetValue(from) is not null || result.GetValue(to) is not null || result.GetValue(entries) is not null;
            var cls = result.GetValue(classId) ?? (ushort)(profileRequested ? 7 : logicalName == ObisCode.Clock ? 8 : 3);
            var deviation = connection.DeviationOf(result);
            await using var session = await connection.ConnectAsync(result, error, cancellationToken).ConfigureAwait(false);
            var client = session.Client;
            if (cls == 7 && result.GetValue(attribute) == 2)
            {
                await ReadProfileAsync(client, logicalName, result.GetValue(from), result.GetValue(to), result.GetValue(entries), deviation, output, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var value = await client.GetAsync(new CosemAttributeDescriptor(cls, logicalName, result.GetValue(attribute)), null, cancellationToken).ConfigureAwait(false);
                var data = RequireData(value, logicalName);
                var text = DataText.Format(data);
                if (!result.GetValue(raw) && cls is 3 or 4 && result.GetValue(attribute) == 2)
                {
                    var scaler = await client.GetAsync(new CosemAttributeDescriptor(cls, logicalName, 3), null, cancellationToken).ConfigureAwait(false);
                    if (scaler.Data is { } scalerData && ScalerUnit.TryFromData(scalerData, out var scalerUnit))
                    {
                        text = DataText.FormatScaled(data, scalerUnit);
                    }
                }

                output.WriteLine($"{logicalName} class {cls} attribute {result.GetValue(attribute)}: {text}");
            }

            await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command CreateObjects(DlmsConnectionOptions connection, TextWriter output, TextWriter error)
    {
        var command = new Command("objects", "List the objects of the current association (Association LN object_list) with their access rights");
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(error, async () =>
        {
            await using var session = await connection.ConnectAsync(result, error, cancellationToken).ConfigureAwait(false);
            var list = await session.Client.GetAsync(new CosemAttributeDescriptor(15, ObisCode.CurrentAssociation, 2), null, cancellationToken).ConfigureAwait(false);
            if (RequireData(list, ObisCode.CurrentAssociation) is not CosemData.Array objects)
            {
                throw new CommandException("The object list is not an array", ExitCodes.Failed);
            }

            output.WriteLine($"{"class",5} {"ver",3}  {"logical name",-18} access (attribute:mode … | method:mode …)");
            foreach (var element in objects.Items)
            {
                if (element is not CosemData.Structure { Items: [var cls, var version, CosemData.OctetString name, var rights] } || name.Value.Length != 6)
                {
                    output.WriteLine($"  (malformed entry: {DataText.Format(element)})");
                    continue;
                }

                var logicalName = ObisCode.Decode(name.Value.Span, out _);
                output.WriteLine($"{DataText.Format(cls),5} {DataText.Format(version),3}  {logicalName,-18} {FormatRights(rights)}");
            }

            await session.Client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command CreateAction(DlmsConnectionOptions connection, TextWriter output, TextWriter error)
    {
        var obis = new Argument<string>("obis") { Description = "Logical name of the object" };
        var classId = new Option<ushort>("--class") { Description = "Interface class, e.g. 70 Disconnect control", Required = true };
        var method = new Option<sbyte>("--method") { Description = "Method index, e.g. 1 remote_disconnect, 2 remote_reconnect", Required = true };
        var parameter = new Option<string?>("--parameter") { Description = "Method parameter as type:value, e.g. integer:0 (default: integer:0 where a method takes a dummy)" };
        var command = new Command("action", "Invoke a method (ACTION)") { obis, classId, method, parameter };
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(error, async () =>
        {
            var logicalName = DlmsConnectionOptions.ParseObis(result.GetValue(obis)!);
            CosemData parameters;
            try
            {
                parameters = DataText.Parse(result.GetValue(parameter) ?? "integer:0");
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new CommandException(e.Message, ExitCodes.Usage);
            }

            await using var session = await connection.ConnectAsync(result, error, cancellationToken).ConfigureAwait(false);
            var (actionResult, returned) = await session.Client.ActionAsync(new CosemMethodDescriptor(result.GetValue(classId), logicalName, result.GetValue(method)), parameters, cancellationToken).ConfigureAwait(false);
            var suffix = returned?.Data is { } data ? ": " + DataText.Format(data) : string.Empty;
            output.WriteLine($"{logicalName} class {result.GetValue(classId)} method {result.GetValue(method)}: {actionResult}{suffix}");
            await session.Client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            if (actionResult != ActionResult.Success)
            {
                throw new CommandException($"The meter answered {actionResult}", ExitCodes.Refused);
            }
        }));
        return command;
    }

    private static async Task ReadProfileAsync(
        Meterline.Dlms.Links.DlmsClient client,
        ObisCode profile,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? entries,
        DeviationConvention deviation,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var capture = await client.GetAsync(new CosemAttributeDescriptor(7, profile, 3), null, cancellationToken).ConfigureAwait(false);
        var columns = RequireData(capture, profile) is CosemData.Array { Items: var items }
            ? items.Select(item => CaptureObjectDefinition.TryFromData(item, out var column) ? column.LogicalName.ToString() : "?").ToArray()
            : [];

        SelectiveAccessDescriptor? selection = null;
        if (entries is not null)
        {
            var parts = entries.Split('-', 2);
            if (parts.Length != 2 || !uint.TryParse(parts[0], CultureInfo.InvariantCulture, out var first) || !uint.TryParse(parts[1], CultureInfo.InvariantCulture, out var last))
            {
                throw new CommandException("--entries is FIRST-LAST, e.g. 1-96", ExitCodes.Usage);
            }

            selection = new EntryDescriptor(first, last, 1, 0).ToSelectiveAccessDescriptor();
        }
        else if (from is not null || to is not null)
        {
            var start = CosemDateTime.FromDateTimeOffset(from ?? DateTimeOffset.UnixEpoch, ClockStatus.Ok, deviation);
            var end = CosemDateTime.FromDateTimeOffset(to ?? DateTimeOffset.UtcNow.AddYears(1), ClockStatus.Ok, deviation);
            selection = RangeDescriptor.ByClock(start, end).ToSelectiveAccessDescriptor();
        }

        var buffer = await client.GetAsync(new CosemAttributeDescriptor(7, profile, 2), selection, cancellationToken).ConfigureAwait(false);
        if (RequireData(buffer, profile) is not CosemData.Array rows)
        {
            throw new CommandException("The profile buffer is not an array", ExitCodes.Failed);
        }

        output.WriteLine(string.Join('\t', columns));
        foreach (var row in rows.Items)
        {
            output.WriteLine(row is CosemData.Structure structure
                ? string.Join('\t', structure.Items.Select(value => FormatInProfile(value, deviation)))
                : DataText.Format(row));
        }

        output.WriteLine($"({rows.Items.Length} entries)");
    }

    private static string FormatInProfile(CosemData value, DeviationConvention deviation) =>
        value is CosemData.OctetString octets && octets.TryGetDateTime(out var dateTime) && dateTime.TryToDateTimeOffset(out var instant, deviation)
            ? instant.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
            : DataText.Format(value);

    private static string FormatRights(CosemData rights)
    {
        if (rights is not CosemData.Structure { Items: [CosemData.Array attributes, CosemData.Array methods, ..] })
        {
            return DataText.Format(rights);
        }

        static string Entry(CosemData item) => item is CosemData.Structure { Items: [var id, var mode, ..] }
            ? DataText.Format(id) + ":" + DataText.Format(mode).Replace("enum ", string.Empty, StringComparison.Ordinal)
            : "?";

        return string.Join(' ', attributes.Items.Select(Entry)) + " | " + string.Join(' ', methods.Items.Select(Entry));
    }

    private static CosemData RequireData(GetDataResult result, ObisCode logicalName) =>
        result.Data ?? throw new CommandException($"{logicalName}: the meter answered {result.Result}", ExitCodes.Refused);

    /// <summary>Runs a command body, turning expected failures into one line on stderr and an exit code.</summary>
    private static async Task<int> RunAsync(TextWriter error, Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (DlmsException e)
        {
            await error.WriteLineAsync($"error: {e.Message} ({e.Reason})").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
