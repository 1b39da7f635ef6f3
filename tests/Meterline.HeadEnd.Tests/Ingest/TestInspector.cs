using System.Buffers.Binary;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>Reads the header of <see cref="TestFrames"/>; counts what it was asked to read.</summary>
internal sealed class TestInspector : ISecuredApduInspector
{
    public int Inspected { get; private set; }

    public HeaderInspection Inspect(ReadOnlySpan<byte> apdu, out SecuredApduHeader header)
    {
        Inspected++;
        header = default;
        if (apdu.Length < TestFrames.Length)
        {
            return HeaderInspection.Malformed;
        }

        var outcome = (HeaderInspection)apdu[0];
        if (outcome != HeaderInspection.Read)
        {
            return outcome;
        }

        header = new SecuredApduHeader(new MeterSystemTitle(BinaryPrimitives.ReadUInt64BigEndian(apdu[1..])), BinaryPrimitives.ReadUInt32BigEndian(apdu[9..]), (apdu[13] & 1) != 0, (apdu[13] & 2) != 0);
        return HeaderInspection.Read;
    }
}
