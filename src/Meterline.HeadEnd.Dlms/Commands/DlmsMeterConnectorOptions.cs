using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>How <see cref="DlmsMeterConnector"/> reaches meters.</summary>
public sealed record DlmsMeterConnectorOptions
{
    /// <summary>The head-end's system title (calling-AP-title, and the IV prefix of everything it ciphers).</summary>
    public required SystemTitle SystemTitle { get; init; }

    /// <summary>Meter profiles by id (<c>Meter.ProfileId</c>): the utility association, its Security setup, the objects, the deviation convention.</summary>
    public required IReadOnlyDictionary<string, MeterProfile> Profiles { get; init; }

    /// <summary>Invocation counter values reserved per session (16 to 1,000,000); a session that needs more fails and the next one reserves anew.</summary>
    public uint CounterBlockSize { get; init; } = 1024;

    /// <summary>How long the default <see cref="TcpWrapperLinkOpener"/> may take to connect (openers given to the connector have their own).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request (each block of a block transfer) may wait for its answer; allow for retries on a radio link.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Send requests as general-glo-ciphering (true) or service-specific glo- APDUs (false).</summary>
    public bool UseGeneralGloCiphering { get; init; } = true;

    /// <summary>The association to open (the IS 15959 utility-settings association).</summary>
    public string AssociationId { get; init; } = "utility";

    /// <summary>
    /// The head-end's signing key (<c>IKeyProvider.Signer</c>), asked for when a session opens with a meter whose
    /// security level is <see cref="Meters.SecurityLevel.AuthenticatedEncryptedSigned"/>: its SET and ACTION requests
    /// are then signed (<see cref="GeneralSigningLink"/>). Null: such meters cannot be reached.
    /// </summary>
    public Func<IHesSigner>? Signer { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
