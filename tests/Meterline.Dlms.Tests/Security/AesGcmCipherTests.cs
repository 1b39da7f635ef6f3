using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class AesGcmCipherTests
{
    public static TheoryData<byte, string> GetRequestVectors => new()
    {
        { 0x30, GreenBookVectors.V1 },
        { 0x20, GreenBookVectors.V2 },
        { 0x10, GreenBookVectors.V3 },
    };

    [Theory]
    [MemberData(nameof(GetRequestVectors))]
    public void Protect_GreenBookGetRequest_GivesPublishedBytes(byte securityControl, string expected)
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var content = cipher.Protect(
            new SecurityControl(securityControl),
            GreenBookVectors.ServerSystemTitle,
            GreenBookVectors.ServerInvocationCounter,
            Convert.FromHexString(GreenBookVectors.GetRequestHex));

        Assert.Equal(expected, Convert.ToHexString(new CipheredApdu(0xC8, content).ToArray()));
    }

    [Theory]
    [MemberData(nameof(GetRequestVectors))]
    public void Unprotect_GreenBookGetRequest_GivesPlainApdu(byte securityControl, string published)
    {
        using var cipher = GreenBookVectors.CreateCipher(acceptEncryptionOnly: true);
        var apdu = ReadCiphered(published);
        Assert.Equal(securityControl, apdu.CipheredContent.Span[0]);

        var plain = apdu.Unprotect(cipher, GreenBookVectors.ServerSystemTitle);

        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(plain));
    }

    [Fact]
    public void Protect_GreenBookInitiateRequest_GivesPublishedV4()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var apdu = CipheredApdu.Protect(
            cipher,
            SecurityControl.AuthenticatedEncryption,
            GreenBookVectors.ServerSystemTitle,
            GreenBookVectors.ServerInvocationCounter,
            Convert.FromHexString(GreenBookVectors.InitiateRequestHex));

        Assert.Equal(CipheredApduTags.GloInitiateRequest, apdu.Tag);
        Assert.Equal(GreenBookVectors.V4, Convert.ToHexString(apdu.ToArray()));
    }

    [Fact]
    public void Unprotect_PublishedV4_GivesInitiateRequest()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var plain = ReadCiphered(GreenBookVectors.V4).Unprotect(cipher, GreenBookVectors.ServerSystemTitle);

        Assert.Equal(GreenBookVectors.InitiateRequestHex, Convert.ToHexString(plain));
    }

    [Fact]
    public void TryUnprotect_SpanDestination_WritesPlaintextWithoutAllocatingResult()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = ReadCiphered(GreenBookVectors.V1).CipheredContent.Span;
        var destination = new byte[64];

        Assert.Equal(13, AesGcmCipher.GetPlaintextLength(content));
        Assert.True(cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out var written));

        Assert.Equal(GreenBookVectors.GetRequestHex, Convert.ToHexString(destination, 0, written));
    }

    [Fact]
    public void TryProtect_DestinationTooSmall_ReturnsFalseAndWritesNothing()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var plain = Convert.FromHexString(GreenBookVectors.GetRequestHex);
        var destination = new byte[AesGcmCipher.GetProtectedLength(SecurityControl.AuthenticatedEncryption, plain.Length) - 1];

        var done = cipher.TryProtect(
            SecurityControl.AuthenticatedEncryption, GreenBookVectors.ServerSystemTitle, 1, plain, default, destination, out var written);

        Assert.False(done);
        Assert.Equal(0, written);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryUnprotect_EverySingleBitFlipOfV1_IsRejected()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var original = ReadCiphered(GreenBookVectors.V1).CipheredContent.ToArray();

        for (var bit = 0; bit < original.Length * 8; bit++)
        {
            var content = (byte[])original.Clone();
            content[bit / 8] ^= (byte)(1 << (bit % 8));
            var destination = new byte[64];

            if (bit >= 8)
            {
                // IC, ciphertext and tag: the tag no longer verifies.
                Assert.False(cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out var written), $"bit {bit}");
                Assert.Equal(0, written);
                Assert.All(destination, b => Assert.Equal(0, b));
                continue;
            }

            // The security control byte 0x30.
            switch (bit)
            {
                case 0: // 0x31: suite 1, this key is for suite 0
                case 4: // 0x20: encryption only, a downgrade
                    AssertSecurityError(DlmsErrorReason.SecurityPolicyViolation, () => cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out _));
                    break;
                case 1: // 0x32: suite 2
                case 7: // 0xB0: compression
                    AssertSecurityError(DlmsErrorReason.Unsupported, () => cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out _));
                    break;
                case 2: // 0x34: reserved suite 4
                case 3: // 0x38: reserved suite 8
                    var format = Assert.Throws<DlmsFormatException>(() => cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out _));
                    Assert.Equal(DlmsErrorReason.Malformed, format.Reason);
                    Assert.Equal(0, format.Offset);
                    break;
                default: // 5 → 0x10 authentication only, 6 → 0x70 broadcast key: SC is in the AAD
                    Assert.False(cipher.TryUnprotect(content, GreenBookVectors.ServerSystemTitle, destination, out _), $"bit {bit}");
                    break;
            }
        }
    }

    [Fact]
    public void Unprotect_V1WithClientSystemTitleAsIvPrefix_ThrowsAuthenticationFailed()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = ReadCiphered(GreenBookVectors.V1).CipheredContent;

        AssertSecurityError(DlmsErrorReason.AuthenticationFailed, () => cipher.Unprotect(content.Span, GreenBookVectors.ClientSystemTitle));
    }

    [Theory]
    [InlineData(0x30, 0)]
    [InlineData(0x30, 11)]
    [InlineData(0x10, 0)]
    [InlineData(0x10, 11)]
    public void Unprotect_ContentTooShortForA12ByteTag_ThrowsTruncatedAtEnd(byte securityControl, int tagLength)
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = new byte[SecurityHeader.Length + tagLength];
        content[0] = securityControl;

        var ex = Assert.Throws<DlmsFormatException>(() => cipher.Unprotect(content, GreenBookVectors.ServerSystemTitle));

        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(content.Length, ex.Offset);
    }

    [Theory]
    [InlineData(GreenBookVectors.V1)]
    [InlineData(GreenBookVectors.V3)]
    public void TryUnprotect_TagCutShort_IsRejected(string published)
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = ReadCiphered(published).CipheredContent;

        for (var cut = 1; cut <= AesGcmCipher.TagLength; cut++)
        {
            var shortened = content[..^cut].Span;
            Assert.False(cipher.TryUnprotect(shortened, GreenBookVectors.ServerSystemTitle, new byte[64], out _), $"cut {cut}");
        }
    }

    [Fact]
    public void Unprotect_HeaderMissing_ThrowsTruncated()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var ex = Assert.Throws<DlmsFormatException>(() => cipher.Unprotect([0x30, 0x01, 0x23], GreenBookVectors.ServerSystemTitle));

        Assert.Equal(DlmsErrorReason.Truncated, ex.Reason);
        Assert.Equal(3, ex.Offset);
    }

    [Fact]
    public void Unprotect_NoProtectionApplied_ThrowsMalformed()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        var ex = Assert.Throws<DlmsFormatException>(() => cipher.Unprotect([0x00, 0, 0, 0, 1, 0xC0], GreenBookVectors.ServerSystemTitle));

        Assert.Equal(DlmsErrorReason.Malformed, ex.Reason);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void Unprotect_EncryptionOnlyByDefault_IsRefusedAsDowngrade()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var content = ReadCiphered(GreenBookVectors.V2).CipheredContent;

        AssertSecurityError(DlmsErrorReason.SecurityPolicyViolation, () => cipher.Unprotect(content.Span, GreenBookVectors.ServerSystemTitle));
    }

    [Fact]
    public void Constructor_Suite2_ThrowsUnsupported()
    {
        AssertSecurityError(
            DlmsErrorReason.Unsupported,
            () => new AesGcmCipher(GreenBookVectors.EncryptionKey, GreenBookVectors.AuthenticationKey, SecuritySuite.EcdhEcdsaAesGcm256Sha384));
    }

    [Fact]
    public void Protect_Suite1_WritesSuiteIdAndRoundTrips()
    {
        using var cipher = new AesGcmCipher(GreenBookVectors.EncryptionKey, GreenBookVectors.AuthenticationKey, SecuritySuite.EcdhEcdsaAesGcm128Sha256);
        var sc = SecurityControl.Create(SecuritySuite.EcdhEcdsaAesGcm128Sha256, authenticated: true, encrypted: true);
        var plain = Convert.FromHexString(GreenBookVectors.GetRequestHex);

        var content = cipher.Protect(sc, GreenBookVectors.ServerSystemTitle, 7, plain);

        Assert.Equal(0x31, content[0]);
        Assert.Equal(plain, cipher.Unprotect(content, GreenBookVectors.ServerSystemTitle));
    }

    [Fact]
    public void Protect_CompressionRequested_ThrowsUnsupported()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        AssertSecurityError(
            DlmsErrorReason.Unsupported,
            () => cipher.Protect(new SecurityControl(0xB0), GreenBookVectors.ServerSystemTitle, 1, [0xC0]));
    }

    [Fact]
    public void Protect_NoProtectionRequested_ThrowsArgumentException()
    {
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.Throws<ArgumentException>(() => cipher.Protect(new SecurityControl(0x00), GreenBookVectors.ServerSystemTitle, 1, [0xC0]));
    }

    [Fact]
    public void Protect_LargeApduAuthenticationOnly_UsesPooledAadAndRoundTrips()
    {
        using var cipher = GreenBookVectors.CreateCipher();
        var plain = new byte[4000];
        plain[0] = 0xC4;
        plain[^1] = 0x5A;

        var content = cipher.Protect(SecurityControl.AuthenticationOnly, GreenBookVectors.ServerSystemTitle, 9, plain);
        content[100] ^= 1;

        AssertSecurityError(DlmsErrorReason.AuthenticationFailed, () => cipher.Unprotect(content, GreenBookVectors.ServerSystemTitle));
        content[100] ^= 1;
        Assert.Equal(plain, cipher.Unprotect(content, GreenBookVectors.ServerSystemTitle));
    }

    [Fact]
    public void Unprotect_AfterDispose_ThrowsObjectDisposed()
    {
        var cipher = GreenBookVectors.CreateCipher();
        cipher.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cipher.Unprotect(ReadCiphered(GreenBookVectors.V1).CipheredContent.Span, GreenBookVectors.ServerSystemTitle));
    }

    internal static CipheredApdu ReadCiphered(string hex)
    {
        var reader = new AxdrReader(Convert.FromHexString(hex));
        var apdu = CipheredApdu.Read(ref reader);
        reader.EnsureAtEnd();
        return apdu;
    }

    internal static void AssertSecurityError(DlmsErrorReason reason, Func<object?> action)
    {
        var ex = Assert.Throws<DlmsSecurityException>(action);
        Assert.Equal(reason, ex.Reason);
    }

    internal static void AssertSecurityError(DlmsErrorReason reason, Action action)
    {
        var ex = Assert.Throws<DlmsSecurityException>(action);
        Assert.Equal(reason, ex.Reason);
    }
}
