using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>The meter registry on either engine. Serial and system title are unique keys of the meters table.</summary>
internal sealed class SqlMeterRepository(SqlDatabase database) : IMeterRepository
{
    public const int MaxPageSize = 1_000;
    public const int MaxTextLength = 256;
    private const int ReadAllPage = 500;

    public async Task<Meter> AddAsync(MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        Validate(registration);
        try
        {
            return await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var command = database.Command(
                        connection,
                        transaction,
                        $"INSERT INTO meters ({MeterRows.Columns[4..]}) VALUES (@serial, @system_title, @profile_id, @consumer_id, @latitude, @longitude, " +
                        "@transformer_id, @feeder_id, @endpoint, @security_level, @relay_state, @communication, NULL, @key_status, 1) RETURNING " + MeterRows.Columns);
                    AddRegistration(command, registration);
                    command.With("serial", registration.Serial).With("system_title", registration.SystemTitle.ToString())
                        .With("relay_state", (int)RelayState.Unknown).With("communication", (int)CommunicationStatus.Unknown).With("key_status", (int)KeyStatus.Active);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    return MeterRows.Read(database, reader);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.Unique)
        {
            var which = database.Classify(e).Detail.Contains("serial", StringComparison.OrdinalIgnoreCase)
                ? $"serial {registration.Serial}"
                : $"system title {registration.SystemTitle}";
            throw new DuplicateMeterException($"A meter with {which} is already registered.", e);
        }
    }

    public Task<Meter?> GetAsync(MeterId id, CancellationToken cancellationToken = default) =>
        FindOneAsync("id = @key", id.Value, cancellationToken);

    public Task<Meter?> FindBySerialAsync(string serial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return FindOneAsync("serial = @key", serial, cancellationToken);
    }

    public Task<Meter?> FindBySystemTitleAsync(MeterSystemTitle systemTitle, CancellationToken cancellationToken = default) =>
        FindOneAsync("system_title = @key", systemTitle.ToString(), cancellationToken);

    public Task<Page<Meter>> ListAsync(MeterFilter filter, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        if (filter.Search is { Length: > MaxTextLength })
        {
            throw new ArgumentException($"A search is at most {MaxTextLength} characters.", nameof(filter));
        }

        var after = pageToken is null ? 0 : PageToken.ParseMeter(pageToken);
        return database.ReadAsync(
            async connection =>
            {
                var sql = new StringBuilder("SELECT ").Append(MeterRows.Columns).Append(" FROM meters WHERE id > @after");
                await using var command = database.Command(connection, null, string.Empty).With("after", after).With("limit", pageSize + 1);
                if (filter.Search is { } search)
                {
                    var like = database.CaseInsensitiveLike;
                    sql.Append(" AND (serial ").Append(like).Append(@" @search ESCAPE '\' OR consumer_id ").Append(like)
                        .Append(@" @search ESCAPE '\' OR system_title ").Append(like).Append(@" @title ESCAPE '\')");
                    command.With("search", EscapeLike(search) + "%").With("title", EscapeLike(search.ToUpperInvariant()) + "%");
                }

                if (filter.TransformerId is { } transformer)
                {
                    sql.Append(" AND transformer_id = @transformer");
                    command.With("transformer", transformer);
                }

                if (filter.FeederId is { } feeder)
                {
                    sql.Append(" AND feeder_id = @feeder");
                    command.With("feeder", feeder);
                }

                if (filter.Communication is { } communication)
                {
                    sql.Append(" AND communication = @communication");
                    command.With("communication", (int)communication);
                }

                if (filter.RelayState is { } relay)
                {
                    sql.Append(" AND relay_state = @relay");
                    command.With("relay", (int)relay);
                }

                command.CommandText = sql.Append(" ORDER BY id LIMIT @limit").ToString();
                var items = await ReadMetersAsync(command, cancellationToken).ConfigureAwait(false);
                if (items.Count <= pageSize)
                {
                    return new Page<Meter>(items, null);
                }

                items.RemoveAt(pageSize);
                return new Page<Meter>(items, PageToken.ForMeter(items[^1].Id.Value));
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<Meter> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = 0;
        while (true)
        {
            var page = await database.ReadAsync(
                async connection =>
                {
                    await using var command = database.Command(connection, null, $"SELECT {MeterRows.Columns} FROM meters WHERE id > @after ORDER BY id LIMIT @limit")
                        .With("after", after).With("limit", ReadAllPage);
                    return await ReadMetersAsync(command, cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var meter in page)
            {
                yield return meter;
            }

            if (page.Count < ReadAllPage)
            {
                yield break;
            }

            after = page[^1].Id.Value;
        }
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT count(*) FROM meters");
                return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            },
            cancellationToken);

    public Task UpdateRegistrationAsync(MeterId id, MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        Validate(registration);
        return UpdateAsync(
            id,
            "profile_id = @profile_id, consumer_id = @consumer_id, latitude = @latitude, longitude = @longitude, transformer_id = @transformer_id, " +
            "feeder_id = @feeder_id, endpoint = @endpoint, security_level = @security_level",
            command => AddRegistration(command, registration),
            cancellationToken);
    }

    public Task SetRelayStateAsync(MeterId id, RelayState state, CancellationToken cancellationToken = default)
    {
        CheckDefined(state);
        return UpdateAsync(id, "relay_state = @value", c => c.With("value", (int)state), cancellationToken);
    }

    public async Task<bool> TrySetRelayStateAsync(MeterId id, RelayState expected, RelayState state, CancellationToken cancellationToken = default)
    {
        CheckDefined(expected);
        CheckDefined(state);
        var changed = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = database.Command(connection, transaction, "UPDATE meters SET relay_state = @value WHERE id = @id AND relay_state = @expected")
                    .With("id", id.Value).With("value", (int)state).With("expected", (int)expected);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task MarkHeardAsync(IReadOnlyCollection<KeyValuePair<MeterId, DateTimeOffset>> heard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(heard);
        if (heard.Count == 0)
        {
            return;
        }

        // One statement per chunk of meters, not one per meter (on PostgreSQL each statement is a round trip).
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await MetersHeardRows.UpdateAsync(database, connection, transaction, heard, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task SetCommunicationAsync(MeterId id, CommunicationStatus status, CancellationToken cancellationToken = default)
    {
        CheckDefined(status);
        return UpdateAsync(id, "communication = @value", c => c.With("value", (int)status), cancellationToken);
    }

    public Task SetKeyStatusAsync(MeterId id, KeyStatus status, int? newGeneration = null, CancellationToken cancellationToken = default)
    {
        CheckDefined(status);
        if (newGeneration is { } generation)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1, nameof(newGeneration));
            return UpdateAsync(id, "key_status = @value, key_generation = @generation", c => c.With("value", (int)status).With("generation", generation), cancellationToken);
        }

        return UpdateAsync(id, "key_status = @value", c => c.With("value", (int)status), cancellationToken);
    }

    internal static string EscapeLike(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    private static void CheckDefined<T>(T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name}.");
        }
    }

    private static void Validate(MeterRegistration registration)
    {
        CheckText(registration.Serial, nameof(registration.Serial), required: true);
        CheckText(registration.ProfileId, nameof(registration.ProfileId), required: true);
        CheckText(registration.ConsumerId, nameof(registration.ConsumerId), required: false);
        CheckText(registration.TransformerId, nameof(registration.TransformerId), required: false);
        CheckText(registration.FeederId, nameof(registration.FeederId), required: false);
        CheckDefined(registration.SecurityLevel);
    }

    private static void CheckText(string? text, string name, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"A meter's {name} is required.", name);
        }

        if (text is { Length: > MaxTextLength })
        {
            throw new ArgumentException($"A meter's {name} is at most {MaxTextLength} characters.", name);
        }
    }

    private static void AddRegistration(DbCommand command, MeterRegistration registration) =>
        command.With("profile_id", registration.ProfileId).With("consumer_id", registration.ConsumerId)
            .With("latitude", registration.Location?.Latitude).With("longitude", registration.Location?.Longitude)
            .With("transformer_id", registration.TransformerId).With("feeder_id", registration.FeederId)
            .With("endpoint", registration.Endpoint?.ToString()).With("security_level", (int)registration.SecurityLevel);

    private async Task<List<Meter>> ReadMetersAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var items = new List<Meter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(MeterRows.Read(database, reader));
        }

        return items;
    }

    private Task<Meter?> FindOneAsync(string condition, object key, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {MeterRows.Columns} FROM meters WHERE {condition}").With("key", key);
                var found = await ReadMetersAsync(command, cancellationToken).ConfigureAwait(false);
                return found.Count == 0 ? null : found[0];
            },
            cancellationToken);

    private async Task UpdateAsync(MeterId id, string assignments, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        var changed = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = database.Command(connection, transaction, $"UPDATE meters SET {assignments} WHERE id = @id").With("id", id.Value);
                parameters(command);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new KeyNotFoundException($"No meter {id}.");
        }
    }
}
