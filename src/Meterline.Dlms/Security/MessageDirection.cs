namespace Meterline.Dlms.Security;

/// <summary>Whether a message is a request (client to server) or a response (server to client).</summary>
public enum MessageDirection
{
    Request,
    Response,
}
