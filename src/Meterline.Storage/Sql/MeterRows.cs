using System.Data.Common;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>The meters table's columns in one order, and a meter read from them.</summary>
internal static class MeterRows
{
    public const string Columns =
        "id, serial, system_title, profile_id, consumer_id, latitude, longitude, transformer_id, feeder_id, endpoint, " +
        "security_level, relay_state, communication, last_heard_at, key_status, key_generation";

    public static Meter Read(SqlDatabase database, DbDataReader r)
    {
        GeoLocation? location = r.IsDBNull(5) ? null : new GeoLocation(r.GetDouble(5), r.GetDouble(6));
        MeterEndpoint? endpoint = r.IsDBNull(9) ? null : new MeterEndpoint(r.GetString(9));
        return new Meter(
            new MeterId(r.GetInt32(0)),
            r.GetString(1),
            MeterSystemTitle.Parse(r.GetString(2)),
            r.GetString(3),
            NullableString(r, 4),
            location,
            NullableString(r, 7),
            NullableString(r, 8),
            endpoint,
            (SecurityLevel)r.GetInt32(10),
            (RelayState)r.GetInt32(11),
            (CommunicationStatus)r.GetInt32(12),
            database.ReadTimeOrNull(r, 13),
            (KeyStatus)r.GetInt32(14),
            r.GetInt32(15));
    }

    private static string? NullableString(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
