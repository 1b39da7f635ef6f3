namespace Meterline.HeadEnd.Prepaid;

/// <summary>What became of an approval or rejection of an <see cref="AdjustmentRequest"/>.</summary>
public enum AdjustmentDecisionOutcome
{
    /// <summary>Approved: the ledger entry is posted (or was, under the request's key) and the request is Applied.</summary>
    Applied = 0,

    /// <summary>Rejected: nothing is posted.</summary>
    Rejected = 1,

    /// <summary>No such request.</summary>
    UnknownRequest = 2,

    /// <summary>The request was decided before, or expired: nothing changed.</summary>
    NotPending = 3,

    /// <summary>The requester tried to approve their own request: refused and audited.</summary>
    OwnRequest = 4,
}
