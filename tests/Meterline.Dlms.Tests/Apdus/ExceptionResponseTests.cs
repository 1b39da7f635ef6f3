using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

public class ExceptionResponseTests
{
    // Layout per the Green Book ExceptionResponse ASN.1 (tag 0xD8, state-error, service-error choice, and for
    // invocation-counter-error [6] the Unsigned32 the server expects), as Gurux.DLMS's server writes it.
    [Theory]
    [InlineData("D80101", StateError.ServiceNotAllowed, ServiceError.OperationNotPossible)]
    [InlineData("D80202", StateError.ServiceUnknown, ServiceError.ServiceNotSupported)]
    [InlineData("D80103", StateError.ServiceNotAllowed, ServiceError.OtherReason)]
    [InlineData("D80104", StateError.ServiceNotAllowed, ServiceError.PduTooLong)]
    [InlineData("D80105", StateError.ServiceNotAllowed, ServiceError.DecipheringError)]
    public void Decode_NullAlternatives_AreThreeBytes(string hex, StateError state, ServiceError service)
    {
        var apdu = Assert.IsType<ExceptionResponse>(ApduCodec.Decode(Convert.FromHexString(hex)));

        Assert.Equal(state, apdu.StateError);
        Assert.Equal(service, apdu.ServiceError);
        Assert.Null(apdu.InvocationCounter);
        Assert.Equal(Convert.FromHexString(hex), new ExceptionResponse(state, service).ToArray());
    }

    [Fact]
    public void Decode_InvocationCounterError_CarriesTheExpectedCounter()
    {
        var apdu = Assert.IsType<ExceptionResponse>(ApduCodec.Decode(Convert.FromHexString("D8010601234568")));

        Assert.Equal(ServiceError.InvocationCounterError, apdu.ServiceError);
        Assert.Equal(0x01234568u, apdu.InvocationCounter);
        Assert.Equal(apdu, ExceptionResponse.ForInvocationCounterError(StateError.ServiceNotAllowed, 0x01234568));
    }

    [Fact]
    public void Decode_InvocationCounterErrorWithoutCounter_ThrowsTruncated()
    {
        var error = Assert.Throws<DlmsFormatException>(() => ApduCodec.Decode(Convert.FromHexString("D80106")));

        Assert.Equal(DlmsErrorReason.Truncated, error.Reason);
        Assert.Equal(3, error.Offset);
    }

    [Fact]
    public void Constructor_InvocationCounterErrorWithoutCounter_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ExceptionResponse(StateError.ServiceNotAllowed, ServiceError.InvocationCounterError));
    }
}
