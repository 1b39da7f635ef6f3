using Meterline.Simulator.Topology;
using Microsoft.Extensions.Logging;

namespace Meterline.Cli.Demo;

/// <summary>What <c>meterline demo</c> runs: where its data lives, the fleet, the clock and the story's timing.</summary>
internal sealed record DemoOptions
{
    /// <summary>The data directory: database, key file, provisioning file, the meters' state, the simulated clock.</summary>
    public string DataDirectory { get; init; } = "meterline-demo";

    /// <summary>Delete what an earlier demo left in <see cref="DataDirectory"/> before starting.</summary>
    public bool Fresh { get; init; }

    /// <summary>Meters in the simulated fleet.</summary>
    public int Meters { get; init; } = 50;

    /// <summary>How many of them (the last ones) are reached over Zigbee, behind the emulated coordinator on a pty.</summary>
    public int ZigbeeMeters { get; init; } = 10;

    /// <summary>How many meters (after the DLMS/TCP ones) are MQTT clients of the head-end's embedded broker, reached at <c>mqtt://{systemTitle}</c>.</summary>
    public int MqttMeters { get; init; } = 10;

    /// <summary>How many meters (after the MQTT ones) push over CoAP to the head-end's CoAP ingress and are served at <c>coap://…/m/{serial}</c>.</summary>
    public int CoapMeters { get; init; } = 10;

    /// <summary>The meters on DLMS/TCP: the first ones, the rest of the fleet.</summary>
    public int TcpMeters => Meters - MqttMeters - CoapMeters - ZigbeeMeters;

    /// <summary>Simulated seconds per real second: at 60 a 15-minute interval closes every 15 s.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>The URL of the web API over plain HTTP (loopback: the CLI).</summary>
    public string Listen { get; init; } = "http://127.0.0.1:8080";

    /// <summary>The URL of the web API over HTTPS, with the demo's self-signed certificate (docs/access.md); null: none.</summary>
    public string? HttpsListen { get; init; } = "https://127.0.0.1:8443";

    /// <summary>Stop after this much real time; null: run until Ctrl+C.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Real time after the start at which a magnet is put on the first meter.</summary>
    public TimeSpan TamperAfter { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>The meter profiles directory.</summary>
    public string ProfilesDirectory { get; init; } = "profiles";

    /// <summary>Time between status lines when the output is not an interactive console.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Least level the web host and the node's services log (to the console).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Error;

    /// <summary>Throws <see cref="ArgumentException"/> unless at least the first meter is on DLMS/TCP and no count is negative.</summary>
    public void Validate()
    {
        if (Meters < 1 || ZigbeeMeters < 0 || MqttMeters < 0 || CoapMeters < 0 || TcpMeters < 1)
        {
            throw new ArgumentException("The fleet's first meter stays on DLMS/TCP: the Zigbee, MQTT and CoAP meters together are at most one less than the meters.");
        }
    }

    /// <summary>The meter the demo tampers with and disconnects: the first, always on DLMS/TCP.</summary>
    public const int TamperedMeter = 0;

    /// <summary>The actor of the demo's commands in the audit log.</summary>
    public const string Actor = "demo";

    /// <summary>The profile of the simulated meters.</summary>
    public const string ProfileFile = "is15959-single-phase.json";

    /// <summary>
    /// The demo town's network (docs/demo.md): the consumer meters dealt to distribution transformers of 8 to 15
    /// consumers, three transformers to a feeder, within 1.5 km of the centre of Mysuru (consumers within 200 m of
    /// their transformer); each transformer has a meter of its total, after the consumers, on DLMS/TCP.
    /// </summary>
    public static readonly TopologyOptions Topology = new()
    {
        MinConsumersPerTransformer = 8,
        MaxConsumersPerTransformer = 15,
        TransformersPerFeeder = 3,
        CentreLatitude = 12.3051,
        CentreLongitude = 76.6551,
        AreaRadiusMetres = 1_500,
        ServiceRadiusMetres = 200,
    };
}
