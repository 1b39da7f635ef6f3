using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The ACTION service of a server association (Green Book ed. 8 §9.4.6.4): ACTION-Request-Normal and -With-List.
/// ACTION with block transfer is not implemented and never negotiated, so its APDUs are refused as a service not
/// supported, and a response longer than the client accepts is answered pdu-too-long.
/// </summary>
internal sealed class ServerActionService
{
    private readonly ICosemServer _server;

    public ServerActionService(ICosemServer server)
    {
        _server = server;
    }

    public ServerReply Action(ServerRequest request, ActionRequestNormal action)
    {
        if (!request.Negotiated(Conformance.Action))
        {
            return ServerRefusals.NotSupported;
        }

        var (result, grant) = Invoke(request, action.CosemMethodDescriptor, action.MethodInvocationParameters);
        return Reply(request, action.InvokeIdAndPriority, new ActionResponseNormal(action.InvokeIdAndPriority, result), grant.Response);
    }

    public ServerReply ActionWithList(ServerRequest request, ActionRequestWithList action)
    {
        if (!request.Negotiated(Conformance.Action | Conformance.MultipleReferences))
        {
            return ServerRefusals.NotSupported;
        }

        if (action.MethodInvocationParameters.Length != action.CosemMethodDescriptorList.Length)
        {
            return ServerRefusals.Malformed;
        }

        var results = ImmutableArray.CreateBuilder<ActionResponseWithOptionalData>(action.CosemMethodDescriptorList.Length);
        var required = request.ResponseBaseline;
        for (var i = 0; i < action.CosemMethodDescriptorList.Length; i++)
        {
            var (result, grant) = Invoke(request, action.CosemMethodDescriptorList[i], action.MethodInvocationParameters[i]);
            results.Add(result);
            required = ServerAccessCheck.Union(required, grant.Response);
        }

        var response = new ActionResponseWithList(action.InvokeIdAndPriority, results.MoveToImmutable());
        return Reply(request, action.InvokeIdAndPriority, response, required);
    }

    private static ServerReply Reply(ServerRequest request, InvokeIdAndPriority invoke, Apdu response, MessageProtection required)
    {
        if (!invoke.IsConfirmed)
        {
            return ServerReply.None;
        }

        return response.ToArray().Length <= request.MaxResponseLength(required) ? new ServerReply(response, required) : ServerRefusals.PduTooLong;
    }

    private (ActionResponseWithOptionalData Result, ServerGrant Grant) Invoke(ServerRequest request, CosemMethodDescriptor method, CosemData? parameters)
    {
        if (!ServerAccessCheck.TryGrant(request, _server, method, out var refusal, out var grant))
        {
            return (new ActionResponseWithOptionalData(refusal), new ServerGrant(MessageProtection.None, request.ResponseBaseline));
        }

        var (result, returned) = _server.Invoke(request.Association, method, parameters);
        return (new ActionResponseWithOptionalData(result, returned is null ? null : new GetDataResult(returned)), grant);
    }
}
