namespace Meterline.Dlms.Links;

/// <summary>Timers and limits of an HDLC link (IEC 62056-46 §6.4.4.5 and the usual meter defaults).</summary>
public sealed record HdlcLinkOptions
{
    /// <summary>How long to wait for the server's answer to a frame sent with the poll bit before polling again.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Polls (or SNRMs) repeated after a response timeout before the link is declared dead.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>How long a partial frame may wait for the rest of its bytes.</summary>
    public TimeSpan InterFrameTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The parameters proposed in SNRM (the client's own limits).</summary>
    public Meterline.Dlms.Hdlc.HdlcParameters Proposal { get; init; } = Meterline.Dlms.Hdlc.HdlcParameters.Default;

    /// <summary>The largest reassembled APDU accepted.</summary>
    public int MaxApduLength { get; init; } = 65_535;

    /// <summary>The clock for every timer.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
