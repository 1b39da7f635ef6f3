using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// What a data service answers: the plain response APDU (null for an unconfirmed request) and the protection the
/// response must have on top of its request's, from the security policy and the access rights of the items served.
/// An <see cref="ExceptionResponse"/> is always sent plain.
/// </summary>
internal readonly record struct ServerReply(Apdu? Response, MessageProtection Required)
{
    public static ServerReply None => default;

    public static implicit operator ServerReply(ExceptionResponse response) => new(response, MessageProtection.None);
}
