using System.Buffers.Binary;

namespace Meterline.Server.Api;

/// <summary>
/// The opaque page token of a listing paged by id: base64url of the listing's kind byte and the last id of the page
/// before. The kind byte keeps one listing's token from being taken by another.
/// </summary>
public sealed class IdPageToken
{
    /// <summary>The command listing's tokens.</summary>
    public static readonly IdPageToken Commands = new(0x43);

    /// <summary>The alert listing's tokens.</summary>
    public static readonly IdPageToken Alerts = new(0x41);

    /// <summary>A prepaid ledger's tokens (the id is the entry's sequence).</summary>
    public static readonly IdPageToken PrepaidLedger = new(0x50);

    /// <summary>The outage listing's tokens.</summary>
    public static readonly IdPageToken Outages = new(0x4F);

    /// <summary>The bulk-request (approval) listing's tokens.</summary>
    public static readonly IdPageToken Approvals = new(0x61);

    /// <summary>The group load-limit listing's tokens.</summary>
    public static readonly IdPageToken DemandLimits = new(0x44);

    private readonly byte _kind;

    private IdPageToken(byte kind) => _kind = kind;

    public string Create(long lastId)
    {
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = _kind;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastId);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public bool TryParse(string? token, out long lastId)
    {
        lastId = 0;
        if (token is null || token.Length is 0 or > 16)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> bytes = stackalloc byte[12];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 9 || bytes[0] != _kind)
        {
            return false;
        }

        lastId = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        return lastId > 0;
    }
}
