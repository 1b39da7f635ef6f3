using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class SecurityPolicyTests
{
    private static readonly MessageProtection AuthenticatedEncrypted = new(true, true, false);
    private static readonly MessageProtection AuthenticatedOnly = new(true, false, false);
    private static readonly MessageProtection Signed = new(false, false, true);

    [Fact]
    public void Flags_AreTheBlueBookVersion1Bits()
    {
        Assert.Equal(0x04, (byte)SecurityPolicy.AuthenticatedRequest);
        Assert.Equal(0x08, (byte)SecurityPolicy.EncryptedRequest);
        Assert.Equal(0x10, (byte)SecurityPolicy.DigitallySignedRequest);
        Assert.Equal(0x20, (byte)SecurityPolicy.AuthenticatedResponse);
        Assert.Equal(0x40, (byte)SecurityPolicy.EncryptedResponse);
        Assert.Equal(0x80, (byte)SecurityPolicy.DigitallySignedResponse);
    }

    [Theory]
    [InlineData(0x00, true)]
    [InlineData(0xFC, true)]
    [InlineData(0x01, false)]
    [InlineData(0x02, false)]
    public void IsValid_ReservedBits_AreRefused(byte value, bool valid)
    {
        Assert.Equal(valid, SecurityPolicyCheck.IsValid(value));
    }

    [Fact]
    public void From_SecurityControlAndSigning_GivesAppliedProtection()
    {
        Assert.Equal(AuthenticatedEncrypted, MessageProtection.From(SecurityControl.AuthenticatedEncryption, signed: false));
        Assert.Equal(new MessageProtection(false, true, true), MessageProtection.From(SecurityControl.EncryptionOnly, signed: true));
        Assert.Equal(MessageProtection.None, MessageProtection.From(null, signed: false));
    }

    [Theory]
    [InlineData(SecurityPolicy.None, MessageDirection.Request, false, false, false, true)]
    [InlineData(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest, MessageDirection.Request, true, true, false, true)]
    [InlineData(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest, MessageDirection.Request, true, false, false, false)]
    [InlineData(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest, MessageDirection.Request, false, true, false, false)]
    [InlineData(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest, MessageDirection.Response, false, false, false, true)]
    [InlineData(SecurityPolicy.DigitallySignedRequest, MessageDirection.Request, true, true, false, false)]
    [InlineData(SecurityPolicy.DigitallySignedRequest, MessageDirection.Request, false, false, true, true)]
    [InlineData(SecurityPolicy.EncryptedResponse, MessageDirection.Response, true, false, true, false)]
    [InlineData(SecurityPolicy.AuthenticatedResponse | SecurityPolicy.DigitallySignedResponse, MessageDirection.Response, true, true, true, true)]
    public void IsSatisfied_PolicyDirectionAndProtection_GivesExpected(
        SecurityPolicy policy, MessageDirection direction, bool authenticated, bool encrypted, bool signed, bool expected)
    {
        var protection = new MessageProtection(authenticated, encrypted, signed);

        Assert.Equal(expected, SecurityPolicyCheck.IsSatisfied(policy, direction, protection));
        if (expected)
        {
            SecurityPolicyCheck.Enforce(policy, direction, protection);
        }
        else
        {
            AesGcmCipherTests.AssertSecurityError(DlmsErrorReason.SecurityPolicyViolation, () => SecurityPolicyCheck.Enforce(policy, direction, protection));
        }
    }

    [Fact]
    public void EnforceResponse_PlaintextReplyToCipheredRequest_ThrowsPolicyViolation()
    {
        Assert.False(SecurityPolicyCheck.IsResponseAcceptable(SecurityPolicy.None, AuthenticatedEncrypted, MessageProtection.None));
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.SecurityPolicyViolation,
            () => SecurityPolicyCheck.EnforceResponse(SecurityPolicy.None, AuthenticatedEncrypted, MessageProtection.None));
    }

    [Fact]
    public void EnforceResponse_WeakerReply_ThrowsPolicyViolation()
    {
        var policy = SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest | SecurityPolicy.AuthenticatedResponse;

        Assert.False(SecurityPolicyCheck.IsResponseAcceptable(policy, AuthenticatedEncrypted, AuthenticatedOnly));
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.SecurityPolicyViolation, () => SecurityPolicyCheck.EnforceResponse(policy, AuthenticatedEncrypted, AuthenticatedOnly));
    }

    [Fact]
    public void EnforceResponse_UnsignedReplyToSignedRequest_ThrowsPolicyViolation()
    {
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.SecurityPolicyViolation,
            () => SecurityPolicyCheck.EnforceResponse(SecurityPolicy.DigitallySignedRequest, Signed, AuthenticatedEncrypted));
    }

    [Fact]
    public void EnforceResponse_ReplyBelowResponsePolicy_ThrowsPolicyViolation()
    {
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.SecurityPolicyViolation,
            () => SecurityPolicyCheck.EnforceResponse(SecurityPolicy.EncryptedResponse, MessageProtection.None, AuthenticatedOnly));
    }

    [Fact]
    public void EnforceResponse_EqualOrStrongerReply_IsAccepted()
    {
        var policy = SecurityPolicy.AuthenticatedResponse;

        Assert.True(SecurityPolicyCheck.IsResponseAcceptable(policy, AuthenticatedOnly, AuthenticatedOnly));
        Assert.True(SecurityPolicyCheck.IsResponseAcceptable(policy, AuthenticatedOnly, AuthenticatedEncrypted));
        SecurityPolicyCheck.EnforceResponse(policy, AuthenticatedEncrypted, new MessageProtection(true, true, true));
    }

    [Fact]
    public void Required_Policy_SplitsByDirection()
    {
        var policy = SecurityPolicy.EncryptedRequest | SecurityPolicy.DigitallySignedResponse;

        Assert.Equal(new MessageProtection(false, true, false), SecurityPolicyCheck.Required(policy, MessageDirection.Request));
        Assert.Equal(new MessageProtection(false, false, true), SecurityPolicyCheck.Required(policy, MessageDirection.Response));
    }
}
