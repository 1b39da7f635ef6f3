using System.Buffers;
using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The GET service of a server association (Green Book ed. 8 §9.4.6.2): GET-Request-Normal, -With-List and -Next.
/// A response longer than the client accepts goes out as GET-Response-With-Datablock when block transfer was
/// negotiated: the raw data is the A-XDR encoding of the value (normal) or of the list of Get-Data-Result
/// (with-list). A GET-Request-Next whose block number is not that of the last block sent aborts the long GET with
/// data-block-number-invalid; one without a long GET in progress is answered no-long-get-in-progress.
/// </summary>
internal sealed class ServerGetService
{
    private readonly ICosemServer _server;
    private ServerLongGet? _longGet;

    public ServerGetService(ICosemServer server)
    {
        _server = server;
    }

    public void Abort() => _longGet = null;

    public ServerReply Get(ServerRequest request, GetRequestNormal get)
    {
        if (!request.Negotiated(Conformance.Get) || !IsNegotiated(request, get.CosemAttributeDescriptor, get.AccessSelection))
        {
            return ServerRefusals.NotSupported;
        }

        var (result, grant) = Read(request, get.CosemAttributeDescriptor, get.AccessSelection);
        var data = result.Data is { } value ? CosemDataCodec.Encode(value) : null;

        // Tag, choice, invoke-id-and-priority and the Get-Data-Result choice, then the data or one result byte.
        var length = 4 + (data?.Length ?? 1);
        return Fit(request, get.InvokeIdAndPriority, new GetResponseNormal(get.InvokeIdAndPriority, result), length, grant, data);
    }

    public ServerReply GetWithList(ServerRequest request, GetRequestWithList get)
    {
        if (!request.Negotiated(Conformance.Get | Conformance.MultipleReferences) ||
            get.AttributeDescriptorList.Any(item => !IsNegotiated(request, item.CosemAttributeDescriptor, item.AccessSelection)))
        {
            return ServerRefusals.NotSupported;
        }

        var results = ImmutableArray.CreateBuilder<GetDataResult>(get.AttributeDescriptorList.Length);
        var grant = new ServerGrant(MessageProtection.None, request.ResponseBaseline);
        foreach (var item in get.AttributeDescriptorList)
        {
            var (result, itemGrant) = Read(request, item.CosemAttributeDescriptor, item.AccessSelection);
            results.Add(result);
            grant = grant.Union(itemGrant);
        }

        var list = results.MoveToImmutable();
        var encoded = EncodeResults(list);

        // Tag, choice and invoke-id-and-priority, then the list.
        return Fit(request, get.InvokeIdAndPriority, new GetResponseWithList(get.InvokeIdAndPriority, list), 3 + encoded.Length, grant, encoded);
    }

    public ServerReply GetNext(ServerRequest request, GetRequestNext next)
    {
        var invoke = next.InvokeIdAndPriority;
        var baseline = request.ResponseBaseline;
        if (_longGet is not { } longGet)
        {
            return new(Failed(invoke, next.BlockNumber, DataAccessResult.NoLongGetInProgress), baseline);
        }

        if (next.BlockNumber != longGet.BlockNumber)
        {
            Abort();
            return new(Failed(invoke, next.BlockNumber, DataAccessResult.DataBlockNumberInvalid), baseline);
        }

        if (!request.Protection.Includes(longGet.Grant.Request))
        {
            Abort();
            return new(Failed(invoke, next.BlockNumber, DataAccessResult.ReadWriteDenied), baseline);
        }

        return NextBlock(request, invoke);
    }

    private static bool IsNegotiated(ServerRequest request, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection) =>
        (selection is null || request.Negotiated(Conformance.SelectiveAccess)) &&
        (attribute.AttributeId != 0 || request.Negotiated(Conformance.Attribute0SupportedWithGet));

    private static GetResponseWithDatablock Failed(InvokeIdAndPriority invoke, uint blockNumber, DataAccessResult result) =>
        new(invoke, new DataBlockG(true, blockNumber, result));

    private static byte[] EncodeResults(ImmutableArray<GetDataResult> results)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new AxdrWriter(buffer);
        writer.WriteLength(results.Length);
        foreach (var result in results)
        {
            result.Write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private (GetDataResult Result, ServerGrant Grant) Read(ServerRequest request, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection)
    {
        if (!ServerAccessCheck.TryGrant(request, _server, attribute, AttributeAccess.Read, out var refusal, out var grant))
        {
            return (new GetDataResult(refusal), new ServerGrant(MessageProtection.None, request.ResponseBaseline));
        }

        return (_server.Get(request.Association, attribute, selection), grant);
    }

    /// <summary>
    /// Sends the response (<paramref name="responseLength"/> bytes encoded) whole when it fits, else starts a long GET
    /// with <paramref name="blockData"/>.
    /// </summary>
    private ServerReply Fit(ServerRequest request, InvokeIdAndPriority invoke, Apdu response, int responseLength, ServerGrant grant, byte[]? blockData)
    {
        var required = ServerAccessCheck.Union(grant.Response, request.ResponseBaseline);
        if (responseLength <= request.MaxResponseLength(required))
        {
            return new(response, required);
        }

        if (blockData is null || !request.Negotiated(Conformance.BlockTransferWithGetOrRead))
        {
            return ServerRefusals.PduTooLong;
        }

        _longGet = new ServerLongGet(blockData, grant with { Response = required });
        return NextBlock(request, invoke);
    }

    private ServerReply NextBlock(ServerRequest request, InvokeIdAndPriority invoke)
    {
        var longGet = _longGet!;
        var required = ServerAccessCheck.Union(longGet.Grant.Response, request.ResponseBaseline);
        if (longGet.NextBlock(request.MaxResponseLength(required)) is not { } block)
        {
            Abort();
            return ServerRefusals.PduTooLong;
        }

        if (block.LastBlock)
        {
            Abort();
        }

        return new(new GetResponseWithDatablock(invoke, block), required);
    }
}
