using System.Collections.Immutable;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The SET service of a server association (Green Book ed. 8 §9.4.6.3): SET-Request-Normal and -With-List, and SET
/// with block transfer. Access is decided at the first block, so a refused write is answered at once with
/// SET-Response-Last-Datablock; each further block is acknowledged with SET-Response-Datablock and the last one with
/// the result. A block out of order aborts with data-block-number-invalid, a block without a long SET in progress is
/// answered no-long-set-in-progress, and a transfer beyond the <see cref="BlockTransferLimits"/> is aborted with
/// long-set-aborted.
/// </summary>
internal sealed class ServerSetService
{
    private readonly ICosemServer _server;
    private readonly BlockTransferLimits _limits;
    private ServerLongSet? _longSet;

    public ServerSetService(ICosemServer server, BlockTransferLimits limits)
    {
        _server = server;
        _limits = limits;
    }

    public void Abort() => _longSet = null;

    public ServerReply Set(ServerRequest request, SetRequestNormal set)
    {
        if (!request.Negotiated(Conformance.Set) || !IsNegotiated(request, set.CosemAttributeDescriptor, set.AccessSelection))
        {
            return ServerRefusals.NotSupported;
        }

        var (result, grant) = Write(request, set.CosemAttributeDescriptor, set.AccessSelection, set.Value);
        return set.InvokeIdAndPriority.IsConfirmed
            ? new(new SetResponseNormal(set.InvokeIdAndPriority, result), grant.Response)
            : ServerReply.None;
    }

    public ServerReply SetWithList(ServerRequest request, SetRequestWithList set)
    {
        if (!request.Negotiated(Conformance.Set | Conformance.MultipleReferences) ||
            set.AttributeDescriptorList.Any(item => !IsNegotiated(request, item.CosemAttributeDescriptor, item.AccessSelection)))
        {
            return ServerRefusals.NotSupported;
        }

        if (set.ValueList.Length != set.AttributeDescriptorList.Length)
        {
            return ServerRefusals.Malformed;
        }

        var results = ImmutableArray.CreateBuilder<DataAccessResult>(set.ValueList.Length);
        var required = request.ResponseBaseline;
        for (var i = 0; i < set.ValueList.Length; i++)
        {
            var item = set.AttributeDescriptorList[i];
            var (result, grant) = Write(request, item.CosemAttributeDescriptor, item.AccessSelection, set.ValueList[i]);
            results.Add(result);
            required = ServerAccessCheck.Union(required, grant.Response);
        }

        return set.InvokeIdAndPriority.IsConfirmed
            ? new(new SetResponseWithList(set.InvokeIdAndPriority, results.MoveToImmutable()), required)
            : ServerReply.None;
    }

    public ServerReply SetFirstBlock(ServerRequest request, SetRequestWithFirstDatablock set) =>
        Start(request, set.InvokeIdAndPriority, [new(set.CosemAttributeDescriptor, set.AccessSelection)], set.DataBlock, withList: false);

    public ServerReply SetListFirstBlock(ServerRequest request, SetRequestWithListAndFirstDatablock set) =>
        request.Negotiated(Conformance.MultipleReferences)
            ? Start(request, set.InvokeIdAndPriority, set.AttributeDescriptorList, set.DataBlock, withList: true)
            : ServerRefusals.NotSupported;

    public ServerReply SetBlock(ServerRequest request, SetRequestWithDatablock set)
    {
        var invoke = set.InvokeIdAndPriority;
        var blockNumber = set.DataBlock.BlockNumber;
        if (_longSet is not { } longSet)
        {
            return new(new SetResponseLastDatablock(invoke, DataAccessResult.NoLongSetInProgress, blockNumber), request.ResponseBaseline);
        }

        if (blockNumber != longSet.BlockNumber + 1)
        {
            return Fail(request, invoke, blockNumber, DataAccessResult.DataBlockNumberInvalid);
        }

        return request.Protection.Includes(longSet.Grant.Request)
            ? Continue(request, invoke, set.DataBlock)
            : Fail(request, invoke, blockNumber, DataAccessResult.ReadWriteDenied);
    }

    private static bool IsNegotiated(ServerRequest request, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection) =>
        (selection is null || request.Negotiated(Conformance.SelectiveAccess)) &&
        (attribute.AttributeId != 0 || request.Negotiated(Conformance.Attribute0SupportedWithSet));

    private (DataAccessResult Result, ServerGrant Grant) Write(
        ServerRequest request,
        CosemAttributeDescriptor attribute,
        SelectiveAccessDescriptor? selection,
        CosemData value)
    {
        if (!ServerAccessCheck.TryGrant(request, _server, attribute, AttributeAccess.Write, out var refusal, out var grant))
        {
            return (refusal, new ServerGrant(MessageProtection.None, request.ResponseBaseline));
        }

        return (_server.Set(request.Association, attribute, selection, value), grant);
    }

    private ServerReply Start(
        ServerRequest request,
        InvokeIdAndPriority invoke,
        ImmutableArray<CosemAttributeDescriptorWithSelection> attributes,
        DataBlockSA block,
        bool withList)
    {
        if (!request.Negotiated(Conformance.Set | Conformance.BlockTransferWithSetOrWrite) ||
            attributes.Any(item => !IsNegotiated(request, item.CosemAttributeDescriptor, item.AccessSelection)))
        {
            return ServerRefusals.NotSupported;
        }

        var refusals = ImmutableArray.CreateBuilder<DataAccessResult?>(attributes.Length);
        var grant = new ServerGrant(SecurityPolicyCheck.Required(request.Policy, MessageDirection.Request), request.ResponseBaseline);
        foreach (var item in attributes)
        {
            var granted = ServerAccessCheck.TryGrant(request, _server, item.CosemAttributeDescriptor, AttributeAccess.Write, out var refusal, out var itemGrant);
            refusals.Add(granted ? null : refusal);
            if (granted)
            {
                grant = grant.Union(itemGrant);
            }
        }

        _longSet = new ServerLongSet(attributes, refusals.MoveToImmutable(), grant, withList);
        if (block.BlockNumber != 1)
        {
            return Fail(request, invoke, block.BlockNumber, DataAccessResult.DataBlockNumberInvalid);
        }

        // A single refused attribute ends the transfer at once: there is nothing to receive the value for.
        return !withList && _longSet.Refusals[0] is { } singleRefusal
            ? Fail(request, invoke, block.BlockNumber, singleRefusal)
            : Continue(request, invoke, block);
    }

    private ServerReply Continue(ServerRequest request, InvokeIdAndPriority invoke, DataBlockSA block)
    {
        var longSet = _longSet!;
        if (!longSet.TryAppend(block, _limits))
        {
            return Fail(request, invoke, block.BlockNumber, DataAccessResult.LongSetAborted);
        }

        var required = ServerAccessCheck.Union(longSet.Grant.Response, request.ResponseBaseline);
        if (!block.LastBlock)
        {
            return new(new SetResponseDatablock(invoke, block.BlockNumber), required);
        }

        Abort();
        var results = Complete(request, longSet);
        return longSet.WithList
            ? new(new SetResponseLastDatablockWithList(invoke, results, block.BlockNumber), required)
            : new(new SetResponseLastDatablock(invoke, results[0], block.BlockNumber), required);
    }

    /// <summary>Decodes the joined raw data and writes every attribute not refused at the first block.</summary>
    private ImmutableArray<DataAccessResult> Complete(ServerRequest request, ServerLongSet longSet)
    {
        var count = longSet.Attributes.Length;
        var values = ImmutableArray<CosemData>.Empty;
        try
        {
            var reader = new AxdrReader(longSet.Data);
            var decoded = ImmutableArray.CreateBuilder<CosemData>();
            for (var remaining = longSet.WithList ? reader.ReadCount() : 1; remaining > 0; remaining--)
            {
                decoded.Add(CosemDataCodec.Read(ref reader));
            }

            reader.EnsureAtEnd();
            values = decoded.ToImmutable();
        }
        catch (DlmsFormatException)
        {
            // A value that does not decode is answered other-reason for every attribute below.
        }

        var results = ImmutableArray.CreateBuilder<DataAccessResult>(count);
        for (var i = 0; i < count; i++)
        {
            var item = longSet.Attributes[i];
            results.Add(
                longSet.Refusals[i] ?? (values.Length != count ? DataAccessResult.OtherReason
                    : _server.Set(request.Association, item.CosemAttributeDescriptor, item.AccessSelection, values[i])));
        }

        return results.MoveToImmutable();
    }

    private ServerReply Fail(ServerRequest request, InvokeIdAndPriority invoke, uint blockNumber, DataAccessResult result)
    {
        var withList = _longSet?.WithList ?? false;
        var count = _longSet?.Attributes.Length ?? 1;
        Abort();
        Apdu response = withList
            ? new SetResponseLastDatablockWithList(invoke, [.. Enumerable.Repeat(result, count)], blockNumber)
            : new SetResponseLastDatablock(invoke, result, blockNumber);
        return new(response, request.ResponseBaseline);
    }
}
