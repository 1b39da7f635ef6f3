using System.Collections.Immutable;
using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The answers a server association gives to requests it does not serve (Green Book ed. 8 §9.5,
/// ExceptionResponse): which state-error and service-error stands for which reason, and the per-service refusal
/// that answers every item of a request with one Data-Access-Result or Action-Result.
/// </summary>
internal static class ServerRefusals
{
    /// <summary>An xDLMS request outside an established association.</summary>
    public static ExceptionResponse NotAssociated => new(StateError.ServiceNotAllowed, ServiceError.OperationNotPossible);

    /// <summary>A service or option not in the negotiated conformance, or not available in this association.</summary>
    public static ExceptionResponse NotSupported => new(StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);

    /// <summary>An APDU the server does not know as a request (unknown tag or choice, or a response or notification).</summary>
    public static ExceptionResponse UnknownService => new(StateError.ServiceUnknown, ServiceError.ServiceNotSupported);

    /// <summary>An APDU that cannot be decoded.</summary>
    public static ExceptionResponse Malformed => new(StateError.ServiceUnknown, ServiceError.OtherReason);

    /// <summary>A request longer than server-max-receive-pdu-size, or a response that cannot fit the client's.</summary>
    public static ExceptionResponse PduTooLong => new(StateError.ServiceNotAllowed, ServiceError.PduTooLong);

    /// <summary>A protected APDU whose tag, signature or sender does not verify, or that this association cannot decipher.</summary>
    public static ExceptionResponse DecipheringError => new(StateError.ServiceNotAllowed, ServiceError.DecipheringError);

    /// <summary>The server cannot protect a response: its own invocation counter is exhausted.</summary>
    public static ExceptionResponse CannotProtect => new(StateError.ServiceNotAllowed, ServiceError.OperationNotPossible);

    /// <summary>A replayed or stale invocation counter, with the lowest counter the server would accept.</summary>
    public static ExceptionResponse InvocationCounter(uint expected) =>
        ExceptionResponse.ForInvocationCounterError(StateError.ServiceNotAllowed, expected);

    /// <summary>
    /// Refuses every item of a GET, SET or ACTION request with read-write-denied, in the response form the request
    /// calls for; any other APDU is an unknown service.
    /// </summary>
    public static Apdu DenyAll(Apdu request)
    {
        const DataAccessResult result = DataAccessResult.ReadWriteDenied;
        const ActionResult actionResult = ActionResult.ReadWriteDenied;
        return request switch
        {
            GetRequestNormal r => new GetResponseNormal(r.InvokeIdAndPriority, new GetDataResult(result)),
            GetRequestWithList r => new GetResponseWithList(
                r.InvokeIdAndPriority,
                [.. r.AttributeDescriptorList.Select(_ => new GetDataResult(result))]),
            GetRequestNext r => new GetResponseWithDatablock(r.InvokeIdAndPriority, new DataBlockG(true, r.BlockNumber, result)),
            SetRequestNormal r => new SetResponseNormal(r.InvokeIdAndPriority, result),
            SetRequestWithList r => new SetResponseWithList(r.InvokeIdAndPriority, Repeat(result, r.AttributeDescriptorList.Length)),
            SetRequestWithFirstDatablock r => new SetResponseLastDatablock(r.InvokeIdAndPriority, result, r.DataBlock.BlockNumber),
            SetRequestWithDatablock r => new SetResponseLastDatablock(r.InvokeIdAndPriority, result, r.DataBlock.BlockNumber),
            SetRequestWithListAndFirstDatablock r => new SetResponseLastDatablockWithList(
                r.InvokeIdAndPriority,
                Repeat(result, r.AttributeDescriptorList.Length),
                r.DataBlock.BlockNumber),
            ActionRequestNormal r => ActionNormal(r.InvokeIdAndPriority, actionResult),
            ActionRequestWithList r => new ActionResponseWithList(
                r.InvokeIdAndPriority,
                [.. r.CosemMethodDescriptorList.Select(_ => new ActionResponseWithOptionalData(actionResult))]),
            ActionRequestWithFirstPBlock r => ActionNormal(r.InvokeIdAndPriority, actionResult),
            ActionRequestWithListAndFirstPBlock r => ActionNormal(r.InvokeIdAndPriority, actionResult),
            ActionRequestWithPBlock r => ActionNormal(r.InvokeIdAndPriority, actionResult),
            ActionRequestNextPBlock r => ActionNormal(r.InvokeIdAndPriority, actionResult),
            _ => UnknownService,
        };
    }

    /// <summary>An ACTION-Response-Normal carrying only a result.</summary>
    private static ActionResponseNormal ActionNormal(InvokeIdAndPriority invokeIdAndPriority, ActionResult result) =>
        new(invokeIdAndPriority, new ActionResponseWithOptionalData(result));

    private static ImmutableArray<DataAccessResult> Repeat(DataAccessResult result, int count) =>
        [.. Enumerable.Repeat(result, count)];
}
