namespace Meterline.Simulator.Push;

/// <summary>Settings of a <see cref="TcpWrapperPushSink"/>.</summary>
public sealed record TcpWrapperPushSinkOptions
{
    /// <summary>The wPort pushes come from: the meters' management logical device.</summary>
    public ushort SourceWPort { get; init; } = 1;

    /// <summary>The head-end's wPort (its push listener's).</summary>
    public ushort DestinationWPort { get; init; } = 1;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after the first failed connection; it doubles with each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Real time, for the back-off.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
