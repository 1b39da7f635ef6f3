namespace Meterline.HeadEnd.Access;

/// <summary>What a user or API token may do (docs/access.md has the table of endpoints per role).</summary>
public enum AccessRole
{
    /// <summary>Reads meters, readings, events, commands, alerts, bills and transformers.</summary>
    Viewer,

    /// <summary>A viewer who also sends commands, acknowledges and closes alerts, issues bills and tops up.</summary>
    Operator,

    /// <summary>Everything: users, API tokens, meter registration and import, keys.</summary>
    Admin,

    /// <summary>Reads the audit log and verifies its chain; read-only elsewhere.</summary>
    Auditor,

    /// <summary>A consumer bound to one consumer id: reads only their own meters.</summary>
    Consumer,
}
