using System.Text;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class HlsTests
{
    private const string StoC = "503677524A323146"; // "P6wRJ21F"
    private const string CtoS = "4B35366956616759"; // "K56iVagY"

    [Fact]
    public void ComputeResponse_V5ClientAnswersStoC_GivesPublishedBytes()
    {
        // V5: HLS mechanism 5 pass 3, IV = ST_C ‖ 00000001 (u9n tests/test_security.py test_gmac; jDLMS GmacTest).
        using var cipher = GreenBookVectors.CreateCipher();

        var response = HlsGmac.ComputeResponse(cipher, GreenBookVectors.ClientSystemTitle, GreenBookVectors.ClientInvocationCounter, Convert.FromHexString(StoC));

        Assert.Equal("10000000011A52FE7DD3E72748973C1E28", Convert.ToHexString(response));
    }

    [Fact]
    public void ComputeResponse_V6ServerAnswersCtoS_GivesPublishedBytes()
    {
        // V6: HLS mechanism 5 pass 4, IV = ST_S ‖ 01234567 (Elster GcmCipherModTest).
        using var cipher = GreenBookVectors.CreateCipher();

        var response = HlsGmac.ComputeResponse(cipher, GreenBookVectors.ServerSystemTitle, GreenBookVectors.ServerInvocationCounter, Convert.FromHexString(CtoS));

        Assert.Equal("1001234567FE1466AFB3DBCD4F9389E2B7", Convert.ToHexString(response));
    }

    [Theory]
    [InlineData("10000000011A52FE7DD3E72748973C1E28", "4D4D4D0000000001", StoC, 1u)]
    [InlineData("1001234567FE1466AFB3DBCD4F9389E2B7", "4D4D4D0000BC614E", CtoS, 0x01234567u)]
    public void TryVerifyResponse_PublishedV5V6_IsTrueWithPeerCounter(string response, string peer, string challenge, uint counter)
    {
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.True(HlsGmac.TryVerifyResponse(cipher, SystemTitle.Parse(peer), Convert.FromHexString(challenge), Convert.FromHexString(response), out var invocationCounter));
        Assert.Equal(counter, invocationCounter);
    }

    [Theory]
    [InlineData("10000000011A52FE7DD3E72748973C1E29", "4D4D4D0000000001", StoC)] // V5, last tag byte flipped
    [InlineData("1001234567FE1466AFB3DBCD4F9389E2B6", "4D4D4D0000BC614E", CtoS)] // V6, last tag byte flipped
    [InlineData("10000000011A52FE7DD3E72748973C1E", "4D4D4D0000000001", StoC)] // V5 with an 11-byte tag
    [InlineData("10000000011A52FE7DD3E72748973C1E2800", "4D4D4D0000000001", StoC)] // V5 with a trailing byte
    [InlineData("30000000011A52FE7DD3E72748973C1E28", "4D4D4D0000000001", StoC)] // V5 with SC 0x30
    [InlineData("10000000021A52FE7DD3E72748973C1E28", "4D4D4D0000000001", StoC)] // V5 with another IC
    [InlineData("10000000011A52FE7DD3E72748973C1E28", "4D4D4D0000BC614E", StoC)] // V5 checked with the server's title
    [InlineData("10000000011A52FE7DD3E72748973C1E28", "4D4D4D0000000001", CtoS)] // V5 against the other challenge
    public void VerifyResponse_Altered_IsRejected(string response, string peer, string challenge)
    {
        using var cipher = GreenBookVectors.CreateCipher();

        Assert.False(HlsGmac.TryVerifyResponse(cipher, SystemTitle.Parse(peer), Convert.FromHexString(challenge), Convert.FromHexString(response), out var invocationCounter));
        Assert.Equal(0u, invocationCounter);
        AesGcmCipherTests.AssertSecurityError(
            DlmsErrorReason.AuthenticationFailed,
            () => HlsGmac.VerifyResponse(cipher, SystemTitle.Parse(peer), Convert.FromHexString(challenge), Convert.FromHexString(response)));
    }

    [Fact]
    public void HlsEcdsa_ClientProof_SignsClientTitleServerTitleStoCCtoS()
    {
        using var client = EcdsaP256.GenerateKeyPair();
        var stoc = HlsChallenge.Generate();
        var ctos = HlsChallenge.Generate();

        var proof = HlsEcdsa.ComputeClientProof(client, GreenBookVectors.ClientSystemTitle, GreenBookVectors.ServerSystemTitle, stoc, ctos);

        // Green Book Table 42, mechanism_id(7), pass 3: ECDSA(SystemTitle-C ‖ SystemTitle-S ‖ StoC ‖ CtoS).
        byte[] signed = [.. GreenBookVectors.ClientSystemTitle.Encode(), .. GreenBookVectors.ServerSystemTitle.Encode(), .. stoc, .. ctos];
        Assert.True(EcdsaP256.Verify(client, signed, proof));
        Assert.True(HlsEcdsa.VerifyClientProof(client, GreenBookVectors.ClientSystemTitle, GreenBookVectors.ServerSystemTitle, stoc, ctos, proof));
    }

    [Fact]
    public void HlsEcdsa_ServerProof_SignsServerTitleClientTitleCtoSStoC()
    {
        using var server = EcdsaP256.GenerateKeyPair();
        var stoc = HlsChallenge.Generate();
        var ctos = HlsChallenge.Generate();

        var proof = HlsEcdsa.ComputeServerProof(server, GreenBookVectors.ServerSystemTitle, GreenBookVectors.ClientSystemTitle, ctos, stoc);

        // Green Book Table 42, mechanism_id(7), pass 4: ECDSA(SystemTitle-S ‖ SystemTitle-C ‖ CtoS ‖ StoC).
        byte[] signed = [.. GreenBookVectors.ServerSystemTitle.Encode(), .. GreenBookVectors.ClientSystemTitle.Encode(), .. ctos, .. stoc];
        Assert.True(EcdsaP256.Verify(server, signed, proof));
        Assert.True(HlsEcdsa.VerifyServerProof(server, GreenBookVectors.ServerSystemTitle, GreenBookVectors.ClientSystemTitle, ctos, stoc, proof));
    }

    [Fact]
    public void HlsEcdsa_SwappedChallengesWrongKeyOrRole_AreRejected()
    {
        using var client = EcdsaP256.GenerateKeyPair();
        using var intruder = EcdsaP256.GenerateKeyPair();
        var stoc = HlsChallenge.Generate();
        var ctos = HlsChallenge.Generate();
        var st_c = GreenBookVectors.ClientSystemTitle;
        var st_s = GreenBookVectors.ServerSystemTitle;
        var proof = HlsEcdsa.ComputeClientProof(client, st_c, st_s, stoc, ctos);

        Assert.False(HlsEcdsa.VerifyClientProof(client, st_c, st_s, ctos, stoc, proof)); // challenges swapped
        Assert.False(HlsEcdsa.VerifyClientProof(intruder, st_c, st_s, stoc, ctos, proof)); // other key
        Assert.False(HlsEcdsa.VerifyClientProof(client, st_s, st_c, stoc, ctos, proof)); // titles swapped
        Assert.False(HlsEcdsa.VerifyServerProof(client, st_s, st_c, ctos, stoc, proof)); // reflected as pass 4, even under the same key
        var forged = HlsEcdsa.ComputeClientProof(intruder, st_c, st_s, stoc, ctos);
        Assert.False(HlsEcdsa.VerifyClientProof(client, st_c, st_s, stoc, ctos, forged));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    public void HlsChallenge_Generate_GivesRequestedLength(int length)
    {
        var first = HlsChallenge.Generate(length);
        var second = HlsChallenge.Generate(length);

        Assert.Equal(length, first.Length);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(65)]
    public void HlsChallenge_GenerateOutsideEightToSixtyFour_Throws(int length)
    {
        Assert.False(HlsChallenge.IsValidLength(length));
        Assert.Throws<ArgumentOutOfRangeException>(() => HlsChallenge.Generate(length));
    }

    [Fact]
    public void LlsPassword_Verify_AcceptsOnlyTheSamePassword()
    {
        var password = LlsPassword.FromBytes(Encoding.ASCII.GetBytes("12345678"));

        Assert.True(password.Verify(Encoding.ASCII.GetBytes("12345678")));
        Assert.False(password.Verify(Encoding.ASCII.GetBytes("12345679")));
        Assert.False(password.Verify(Encoding.ASCII.GetBytes("1234567")));
        Assert.False(password.Verify(Encoding.ASCII.GetBytes("123456789")));
        Assert.False(password.Verify([]));
        Assert.Equal(8, password.Length);
        Assert.Equal("12345678", Encoding.ASCII.GetString(password.ToArray()));
    }

    [Fact]
    public void LlsPassword_ToString_IsRedacted()
    {
        var password = LlsPassword.FromBytes(Encoding.ASCII.GetBytes("12345678"));

        Assert.DoesNotContain("1234", password.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("3132", password.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LlsPassword_Empty_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LlsPassword.FromBytes([]));
    }
}
