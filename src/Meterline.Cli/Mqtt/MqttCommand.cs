using System.CommandLine;
using Meterline.Cli.Api;

namespace Meterline.Cli.Mqtt;

/// <summary>
/// `meterline mqtt`: meters' MQTT credentials, from the node's own database and key provider (they are secrets, so
/// not through the API): <c>broker-config</c> writes an external mosquitto's password file, ACL and configuration;
/// <c>password reissue</c> gives a meter a new MQTT password.
/// </summary>
internal static class MqttCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var password = new Command("password", "A meter's MQTT password")
        {
            MqttPasswordReissue.Create(api, output, error),
        };
        return new Command("mqtt", "Meters' MQTT credentials (from the node's own database and key provider): broker-config, password reissue")
        {
            api.Actor,
            MqttBrokerConfig.Create(api, output, error),
            password,
        };
    }
}
