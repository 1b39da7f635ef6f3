using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Meter.Security;
using Meterline.Meter.Tests.Control;

namespace Meterline.Meter.Tests.Security;

public sealed class SecuritySetupObjectTests
{
    private static readonly ObisCode Ln = new(0, 0, 43, 0, 3, 255);
    private static readonly SystemTitle ServerTitle = SystemTitle.Parse("4D4D4D00000000BC");

    // test-vectors.md V7 (RFC 3394 §4.1): KEK 000102…0F wraps 00112233…FF to 1FA68B0A…D2CFE5.
    private static readonly CipherKey V7Kek = CipherKey.FromBytes(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
    private static readonly CipherKey V7Key = CipherKey.FromBytes(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"));
    private static readonly byte[] V7Wrapped = Convert.FromHexString("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");

    private readonly RecordingEventRecorder _events = new();
    private readonly MeterKeyStore _keys = new();
    private readonly CipherKey _ek = CipherKey.Generate();
    private readonly CipherKey _ak = CipherKey.Generate();

    public SecuritySetupObjectTests()
    {
        _keys.Install(_ek, _ak, V7Kek);
    }

    [Fact]
    public void Get_EveryAttribute_ReturnsTypedValues()
    {
        var setup = Create(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest);

        Assert.Equal(new CosemData.OctetString(Ln.ToArray()), Get(setup, 1));
        Assert.Equal(new CosemData.Enum(0x0C), Get(setup, 2));
        Assert.Equal(new CosemData.Enum(0), Get(setup, 3));
        Assert.Equal(new CosemData.OctetString(TestAssociations.ClientTitle.Encode()), Get(setup, 4));
        Assert.Equal(new CosemData.OctetString(ServerTitle.Encode()), Get(setup, 5));
        Assert.Equal(new CosemData.Array(), Get(setup, 6));
        Assert.Equal(64, setup.ClassId);
        Assert.Equal(1, setup.Version);
    }

    [Fact]
    public void Get_ClientTitleFromCallback_UsesCallback()
    {
        var title = SystemTitle.Parse("0102030405060708");
        var setup = new SecuritySetupObject(Ln, _keys, ServerTitle, _events, SecurityPolicy.None, SecuritySuite.AesGcm128, () => title);
        Assert.Equal(new CosemData.OctetString(title.Encode()), Get(setup, 4));
    }

    [Fact]
    public void Get_ClientTitleUnknown_EmptyOctetString()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(new CosemData.OctetString(Array.Empty<byte>()), setup.Get(TestAssociations.Reader, 4, null).Data);
    }

    [Fact]
    public void Set_PolicyUpgrade_Success()
    {
        var setup = Create(SecurityPolicy.AuthenticatedRequest);
        var stronger = SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest | SecurityPolicy.EncryptedResponse;
        Assert.Equal(DataAccessResult.Success, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum((byte)stronger)));
        Assert.Equal(stronger, setup.Policy);
    }

    [Fact]
    public void Set_PolicyDowngrade_ReadWriteDeniedAndUnchanged()
    {
        var current = SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest;
        var setup = Create(current);
        Assert.Equal(DataAccessResult.ReadWriteDenied, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum((byte)SecurityPolicy.AuthenticatedRequest)));
        Assert.Equal(DataAccessResult.ReadWriteDenied, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum((byte)(SecurityPolicy.AuthenticatedRequest | SecurityPolicy.AuthenticatedResponse))));
        Assert.Equal(current, setup.Policy);
    }

    [Fact]
    public void Set_PolicyReservedBits_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(DataAccessResult.OtherReason, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum(0x01)));
        Assert.Equal(SecurityPolicy.None, setup.Policy);
    }

    [Fact]
    public void Set_PolicySignedUnderSuite0_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(DataAccessResult.OtherReason, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum((byte)SecurityPolicy.DigitallySignedRequest)));
    }

    [Fact]
    public void Set_PolicySignedUnderSuite1_Success()
    {
        var setup = new SecuritySetupObject(Ln, _keys, ServerTitle, _events, SecurityPolicy.None, SecuritySuite.EcdhEcdsaAesGcm128Sha256);
        Assert.Equal(DataAccessResult.Success, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Enum((byte)SecurityPolicy.DigitallySignedRequest)));
    }

    [Fact]
    public void Set_PolicyWrongType_TypeUnmatched()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(DataAccessResult.TypeUnmatched, setup.Set(TestAssociations.Utility, 2, null, new CosemData.Unsigned(4)));
    }

    [Theory]
    [InlineData((sbyte)3)]
    [InlineData((sbyte)4)]
    [InlineData((sbyte)5)]
    [InlineData((sbyte)6)]
    public void Set_OtherAttribute_ReadWriteDenied(sbyte attribute)
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(DataAccessResult.ReadWriteDenied, setup.Set(TestAssociations.Utility, attribute, null, new CosemData.Enum(1)));
    }

    [Fact]
    public void SecurityActivate_Upgrade_Success()
    {
        var setup = Create(SecurityPolicy.None);
        var result = setup.Invoke(TestAssociations.Utility, 1, new CosemData.Enum((byte)SecurityPolicy.EncryptedRequest)).Result;
        Assert.Equal(ActionResult.Success, result);
        Assert.Equal(SecurityPolicy.EncryptedRequest, setup.Policy);
    }

    [Fact]
    public void SecurityActivate_Downgrade_ReadWriteDenied()
    {
        var setup = Create(SecurityPolicy.EncryptedRequest);
        Assert.Equal(ActionResult.ReadWriteDenied, setup.Invoke(TestAssociations.Utility, 1, new CosemData.Enum(0)).Result);
        Assert.Equal(SecurityPolicy.EncryptedRequest, setup.Policy);
    }

    [Fact]
    public void SecurityActivate_ReservedBits_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 1, new CosemData.Enum(0x06)).Result);
    }

    [Fact]
    public void SecurityActivate_WrongType_TypeUnmatched()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.TypeUnmatched, setup.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(4)).Result);
    }

    [Fact]
    public void KeyTransfer_V7WrappedEncryptionKey_InstallsKeyAndRecords164()
    {
        var setup = Create(SecurityPolicy.None);

        var result = setup.Invoke(TestAssociations.Utility, 2, Transfer((0, V7Wrapped))).Result;

        Assert.Equal(ActionResult.Success, result);
        Assert.True(_keys.Matches(MeterKeyId.GlobalUnicastEncryptionKey, V7Key));
        Assert.Equal(new ushort[] { 164 }, _events.Codes);
    }

    [Fact]
    public void KeyTransfer_AllFourKeys_InstallsEachAndRecordsPerKey()
    {
        var setup = Create(SecurityPolicy.None);
        var ek = CipherKey.Generate();
        var broadcast = CipherKey.Generate();
        var ak = CipherKey.Generate();
        var kek = CipherKey.Generate();

        var result = setup.Invoke(
            TestAssociations.Utility,
            2,
            Transfer(
                (0, AesKeyWrap.WrapKey(V7Kek, ek)),
                (1, AesKeyWrap.WrapKey(V7Kek, broadcast)),
                (2, AesKeyWrap.WrapKey(V7Kek, ak)),
                (3, AesKeyWrap.WrapKey(V7Kek, kek)))).Result;

        Assert.Equal(ActionResult.Success, result);
        Assert.True(_keys.Matches(MeterKeyId.GlobalUnicastEncryptionKey, ek));
        Assert.True(_keys.Matches(MeterKeyId.GlobalBroadcastEncryptionKey, broadcast));
        Assert.True(_keys.Matches(MeterKeyId.AuthenticationKey, ak));
        Assert.True(_keys.Matches(MeterKeyId.MasterKey, kek));
        Assert.Equal(new ushort[] { 164, 164, 162, 164 }, _events.Codes);
    }

    [Fact]
    public void KeyTransfer_WrappedUnderWrongKek_OtherReasonNothingChanges()
    {
        var setup = Create(SecurityPolicy.None);
        var wrongKek = CipherKey.Generate();

        var result = setup.Invoke(
            TestAssociations.Utility,
            2,
            Transfer((0, AesKeyWrap.WrapKey(V7Kek, CipherKey.Generate())), (2, AesKeyWrap.WrapKey(wrongKek, CipherKey.Generate())))).Result;

        Assert.Equal(ActionResult.OtherReason, result);
        Assert.True(_keys.Matches(MeterKeyId.GlobalUnicastEncryptionKey, _ek));
        Assert.True(_keys.Matches(MeterKeyId.AuthenticationKey, _ak));
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void KeyTransfer_V7WrapAlteredOneBit_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        var altered = (byte[])V7Wrapped.Clone();
        altered[^1] ^= 0x01;
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, Transfer((0, altered))).Result);
        Assert.True(_keys.Matches(MeterKeyId.GlobalUnicastEncryptionKey, _ek));
    }

    [Fact]
    public void KeyTransfer_DuplicateKeyId_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, Transfer((0, V7Wrapped), (0, V7Wrapped))).Result);
        Assert.True(_keys.Matches(MeterKeyId.GlobalUnicastEncryptionKey, _ek));
    }

    [Fact]
    public void KeyTransfer_UnknownKeyId_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, Transfer((4, V7Wrapped))).Result);
    }

    [Fact]
    public void KeyTransfer_WrongLength_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, Transfer((0, V7Wrapped[..16]))).Result);
    }

    [Fact]
    public void KeyTransfer_EmptyOrTooMany_OtherReason()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, new CosemData.Array()).Result);
        var five = Transfer((0, V7Wrapped), (1, V7Wrapped), (2, V7Wrapped), (3, V7Wrapped), (0, V7Wrapped));
        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 2, five).Result);
    }

    [Fact]
    public void KeyTransfer_WrongShape_TypeUnmatched()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.TypeUnmatched, setup.Invoke(TestAssociations.Utility, 2, new CosemData.OctetString(V7Wrapped)).Result);
        var badItem = new CosemData.Array(new CosemData.Structure(new CosemData.Unsigned(0), new CosemData.OctetString(V7Wrapped)));
        Assert.Equal(ActionResult.TypeUnmatched, setup.Invoke(TestAssociations.Utility, 2, badItem).Result);
        Assert.Equal(ActionResult.TypeUnmatched, setup.Invoke(TestAssociations.Utility, 2, null).Result);
    }

    [Fact]
    public void KeyTransfer_AfterErase_ReadWriteDenied()
    {
        var setup = Create(SecurityPolicy.None);
        _keys.Erase();
        Assert.Equal(ActionResult.ReadWriteDenied, setup.Invoke(TestAssociations.Utility, 2, Transfer((0, V7Wrapped))).Result);
        Assert.False(_keys.HasKeys);
    }

    [Theory]
    [InlineData((sbyte)3)]
    [InlineData((sbyte)4)]
    [InlineData((sbyte)5)]
    [InlineData((sbyte)7)]
    [InlineData((sbyte)8)]
    public void Invoke_KeyAgreementAndOtherCertificateMethods_ReadWriteDenied(sbyte method)
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.ReadWriteDenied, setup.Invoke(TestAssociations.Utility, method, new CosemData.Integer(0)).Result);
    }

    [Fact]
    public void Invoke_ImportCertificateOfAP256SigningKey_TrustsTheKeyAndLogsOnlyAChange()
    {
        var setup = Create(SecurityPolicy.None);
        using var hes = EcdsaP256.GenerateKeyPair();

        Assert.Equal(ActionResult.Success, setup.Invoke(TestAssociations.Utility, 6, new CosemData.OctetString(Certificate(hes))).Result);
        Assert.Equal(ActionResult.Success, setup.Invoke(TestAssociations.Utility, 6, new CosemData.OctetString(Certificate(hes))).Result);

        Assert.Equal([0x04, .. EcdsaP256.ExportPublicKey(hes)], _keys.HesPublicKey!.Value.ToArray());
        Assert.Equal([SecurityEventCodes.HesPublicKeyChanged], _events.Codes);
        Assert.Equal(new CosemData.Array(), Get(setup, 6));
    }

    public static TheoryData<string> RefusedCertificates => ["garbage", "p384", "rsa", "key-agreement-only", "too-long", "empty"];

    [Theory]
    [MemberData(nameof(RefusedCertificates))]
    public void Invoke_ImportCertificateNotAP256SigningKey_OtherReasonAndNothingChanges(string what)
    {
        var setup = Create(SecurityPolicy.None);
        using var p256 = EcdsaP256.GenerateKeyPair();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        byte[] der = what switch
        {
            "garbage" => [0x30, 0x03, 0x02, 0x01, 0x00],
            "p384" => Certificate(p384),
            "rsa" => new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100)).RawData,
            "key-agreement-only" => Certificate(p256, X509KeyUsageFlags.KeyAgreement),
            "too-long" => [.. Certificate(p256), .. new byte[SecuritySetupObject.MaxCertificateLength]],
            _ => [],
        };

        Assert.Equal(ActionResult.OtherReason, setup.Invoke(TestAssociations.Utility, 6, new CosemData.OctetString(der)).Result);

        Assert.Null(_keys.HesPublicKey);
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void Invoke_ImportCertificateNotAnOctetString_TypeUnmatched()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.TypeUnmatched, setup.Invoke(TestAssociations.Utility, 6, new CosemData.Integer(0)).Result);
        Assert.Null(_keys.HesPublicKey);
    }

    [Fact]
    public void Invoke_MethodNine_ObjectUndefined()
    {
        var setup = Create(SecurityPolicy.None);
        Assert.Equal(ActionResult.ObjectUndefined, setup.Invoke(TestAssociations.Utility, 9, new CosemData.Integer(0)).Result);
    }

    [Fact]
    public void Ctor_SignedPolicyUnderSuite0_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(SecurityPolicy.DigitallySignedResponse));
    }

    private SecuritySetupObject Create(SecurityPolicy policy) =>
        new(Ln, _keys, ServerTitle, _events, policy, SecuritySuite.AesGcm128);

    private static CosemData? Get(SecuritySetupObject setup, sbyte attribute) =>
        setup.Get(TestAssociations.Utility, attribute, null).Data;

    private static CosemData.Array Transfer(params (byte KeyId, byte[] Wrapped)[] keys) =>
        new(keys.Select(k => (CosemData)new CosemData.Structure(new CosemData.Enum(k.KeyId), new CosemData.OctetString(k.Wrapped))).ToArray());

    private static byte[] Certificate(ECDsa key, X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature)
    {
        var request = new CertificateRequest("CN=4845530000000001", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.Create(
            request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100), [1]);
        return certificate.RawData;
    }
}
