using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class ConfirmedServiceErrorTests
{
    [Fact]
    public void Read_InitiateErrorVector_ParsesDlmsVersionTooLow()
    {
        // From the AARE of u9n tests/test_asce/test_aare.py test_no_cipher_no_security_incorrect_dlms_version.
        var bytes = Convert.FromHexString(AcseVectors.ConfirmedServiceErrorVersionTooLow);
        var error = AcseTestCodec.Decode(ConfirmedServiceError.Read, bytes);

        Assert.Equal(ConfirmedService.InitiateError, error.Service);
        Assert.Equal(ServiceError.FromInitiate(InitiateError.DlmsVersionTooLow), error.Error);
        Assert.Equal("Initiate: DlmsVersionTooLow", error.Error.ToString());
        Assert.Equal(bytes, error.ToArray());
    }

    public static TheoryData<ConfirmedService, ServiceError, string> EveryAlternative()
    {
        var data = new TheoryData<ConfirmedService, ServiceError, string>();
        ServiceError[] errors =
        [
            ServiceError.FromApplicationReference(ApplicationReferenceError.DecipheringError),
            ServiceError.FromHardwareResource(HardwareResourceError.OtherResourceUnavailable),
            ServiceError.FromVdeState(VdeStateError.StatusInoperable),
            ServiceError.FromService(ServiceHandlingError.ServiceUnsupported),
            ServiceError.FromDefinition(DefinitionError.ObjectAttributeInconsistent),
            ServiceError.FromAccess(AccessError.ObjectUnavailable),
            ServiceError.FromInitiate(InitiateError.RefusedByTheVdeHandler),
            ServiceError.FromLoadDataSet(LoadDataSetError.DataSetNotReady),
            ServiceError.FromTask(TaskError.TiUnusable),
            new(ServiceErrorKind.Other, 0x42),
        ];
        string[] kindAndValue = ["0006", "0104", "0204", "0302", "0403", "0504", "0604", "0707", "0904", "0A42"];
        foreach (var service in Enum.GetValues<ConfirmedService>())
        {
            for (var i = 0; i < errors.Length; i++)
            {
                data.Add(service, errors[i], "0E" + ((byte)service).ToString("X2", null) + kindAndValue[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryAlternative))]
    public void RoundTrip_EveryServiceAndErrorKind_ReencodesIdentically(ConfirmedService service, ServiceError error, string hex)
    {
        var apdu = new ConfirmedServiceError(service, error);
        Assert.Equal(hex, Convert.ToHexString(apdu.ToArray()));

        var decoded = AcseTestCodec.Decode(ConfirmedServiceError.Read, Convert.FromHexString(hex));
        Assert.Equal(apdu, decoded);
    }

    [Theory]
    [InlineData("0E000601", 1)] // tag 0 is reserved
    [InlineData("0E140601", 1)] // 20 is beyond terminateUpLoad [19]
    [InlineData("0E010801", 2)] // change-scope [8] is commented out in the standard
    [InlineData("0E010B01", 2)] // 11 is beyond other [10]
    [InlineData("0F010601", 0)]
    public void Read_UnknownAlternative_ThrowsUnknownTag(string hex, int offset)
    {
        AcseTestCodec.AssertFails(ConfirmedServiceError.Read, hex, DlmsErrorReason.UnknownTag, offset);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("0E", 1)]
    [InlineData("0E01", 2)]
    [InlineData("0E0106", 3)]
    public void Read_Truncated_ThrowsTruncated(string hex, int offset)
    {
        AcseTestCodec.AssertFails(ConfirmedServiceError.Read, hex, DlmsErrorReason.Truncated, offset);
    }

    [Fact]
    public void ToArray_UndefinedAlternative_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ConfirmedServiceError((ConfirmedService)0, ServiceError.FromTask(TaskError.Other)).ToArray());
        Assert.Throws<InvalidOperationException>(() => new ConfirmedServiceError(ConfirmedService.Read, new ServiceError((ServiceErrorKind)8, 0)).ToArray());
    }
}
