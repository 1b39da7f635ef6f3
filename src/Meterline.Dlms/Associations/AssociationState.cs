namespace Meterline.Dlms.Associations;

/// <summary>The life of an application association (Green Book, "Application association establishment").</summary>
public enum AssociationState
{
    /// <summary>No association: nothing sent (client) or nothing received (server) yet.</summary>
    Idle,

    /// <summary>Client: AARQ sent, waiting for the AARE.</summary>
    AwaitingResponse,

    /// <summary>HLS: AARE exchanged, passes 3 and 4 (reply_to_HLS_authentication) still to do.</summary>
    AwaitingHlsCompletion,

    /// <summary>Established: data services may be used.</summary>
    Associated,

    /// <summary>Client: RLRQ sent, waiting for the RLRE.</summary>
    Releasing,

    /// <summary>Released normally.</summary>
    Released,

    /// <summary>Refused by the peer or aborted after a failed check; a new association is needed.</summary>
    Aborted,
}
