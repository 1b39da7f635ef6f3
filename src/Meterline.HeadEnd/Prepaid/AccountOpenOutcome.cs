namespace Meterline.HeadEnd.Prepaid;

/// <summary>What became of a request to put a consumer on prepaid.</summary>
public enum AccountOpenOutcome
{
    Opened = 0,

    /// <summary>The consumer already has an account (returned unchanged).</summary>
    Exists = 1,

    /// <summary>The consumer id is malformed, or the consumer has no tariff to price its consumption with.</summary>
    Refused = 2,
}
