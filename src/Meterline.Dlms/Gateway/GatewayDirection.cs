namespace Meterline.Dlms.Gateway;

/// <summary>Which way a gateway PDU goes.</summary>
public enum GatewayDirection
{
    /// <summary>gateway-request (0xE6): from the head-end through the gateway to the meter.</summary>
    Request,

    /// <summary>gateway-response (0xE7): from the meter through the gateway to the head-end (responses and pushes).</summary>
    Response,
}
