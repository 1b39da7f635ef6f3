namespace Meterline.Coap.Endpoints;

public enum DeduplicationResult
{
    /// <summary>Not seen within its lifetime: handle it.</summary>
    New = 0,

    /// <summary>Seen: do not handle it again.</summary>
    Duplicate = 1,

    /// <summary>The table is full of unexpired ids: drop the message.</summary>
    Full = 2,
}
