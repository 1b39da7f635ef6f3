using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Acse;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

/// <summary>
/// Malformed and truncated input in every state: each is answered with an APDU the client can decode, never with an
/// exception, and none reaches the object model or changes the association.
/// </summary>
public class ServerAssociationMalformedTests
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC1);

    private static readonly Apdu[] Requests =
    [
        new GetRequestNormal(Invoke, TestCosemServer.Clock),
        new GetRequestNormal(Invoke, TestCosemServer.LoadProfile, new SelectiveAccessDescriptor(1, new CosemData.Structure(new CosemData.OctetString(new byte[6]), new CosemData.Unsigned(2)))),
        new GetRequestWithList(Invoke, [new(TestCosemServer.Clock), new(TestCosemServer.OutputState)]),
        new GetRequestNext(Invoke, 1),
        new SetRequestNormal(Invoke, TestCosemServer.Tariff, null, new CosemData.OctetString(new byte[] { 1, 2, 3 })),
        new SetRequestWithList(Invoke, [new(TestCosemServer.Tariff)], [new CosemData.OctetString(new byte[] { 1 })]),
        new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(true, 1, new byte[] { 0x09, 0x01, 0x05 })),
        new SetRequestWithDatablock(Invoke, new DataBlockSA(true, 2, new byte[] { 0x05 })),
        new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect, new CosemData.Integer(0)),
        new ActionRequestWithList(Invoke, [TestCosemServer.RemoteDisconnect], [new CosemData.Integer(0)]),
    ];

    public static TheoryData<string> PublishedAcse => [.. AcseVectors.AllAcse.Where(hex => hex[..2] is "60" or "62")];

    [Fact]
    public void Receive_EmptyInput_AnswersMalformed()
    {
        using var session = new ServerSession(ServerAssociationDataServiceTests.PlainReader, keys: null);

        ServerSession.AssertException(session.Association.Receive([]), StateError.ServiceUnknown, ServiceError.OtherReason);
    }

    [Theory]
    [MemberData(nameof(PublishedAcse))]
    public void Receive_TruncatedAcseApduAtEveryOffset_AnswersWithoutException(string hex)
    {
        var apdu = Convert.FromHexString(hex);
        using var session = new ServerSession(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys());

        for (var length = 1; length < apdu.Length; length++)
        {
            var response = session.Association.Receive(apdu.AsSpan(0, length));

            Assert.NotNull(response);
            var answer = ApduCodec.Decode(response.Value.Span);
            if (apdu[0] == Aarq.ApduTag)
            {
                var aare = Assert.IsType<Aare>(answer);
                Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
                Assert.Equal(AcseServiceProviderDiagnostic.NoReasonGiven, aare.ResultSourceDiagnostic.ServiceProvider);
            }
            else
            {
                Assert.Equal(StateError.ServiceUnknown, Assert.IsType<ExceptionResponse>(answer).StateError);
            }

            Assert.NotEqual(AssociationState.Associated, session.Association.State);
        }

        Assert.Equal(0, session.Guard.Count);
    }

    [Fact]
    public void Receive_TruncatedRequestsAtEveryOffsetWhilePlainAssociated_AnswerWithoutEffect()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);

        foreach (var request in Requests)
        {
            var bytes = request.ToArray();
            for (var length = 1; length < bytes.Length; length++)
            {
                var exception = Assert.IsType<ExceptionResponse>(ApduCodec.Decode(session.Receive(bytes[..length])));
                Assert.Equal(StateError.ServiceUnknown, exception.StateError);
            }
        }

        Assert.Empty(session.Server.Calls);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_TruncatedCipheredRequestsAtEveryOffset_AnswerWithoutEffect()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        var signed = GeneralSigning.Sign(EcdsaP256.GenerateKeyPair(), default, session.ClientTitle, null, default, default, session.Glo(Requests[0]));
        var protectedRequests = new List<byte[]>
        {
            session.Glo(Requests[0]),
            session.Glo(Requests[4], ServerSession.AuthenticationOnly),
            GeneralGloCiphering.Protect(session.ClientCipher, new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, Requests[2].ToArray()).ToArray(),
            signed.ToArray(),
        };

        foreach (var bytes in protectedRequests)
        {
            for (var length = 1; length < bytes.Length; length++)
            {
                Assert.IsType<ExceptionResponse>(ApduCodec.Decode(session.Receive(bytes[..length])));
            }
        }

        Assert.Empty(session.Server.Calls);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(1u, last);
    }

    [Fact]
    public void Receive_EveryBitFlipOfACipheredRequest_IsRefusedWithoutEffect()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        var request = session.Glo(Requests[4]);

        for (var bit = 0; bit < request.Length * 8; bit++)
        {
            var forged = (byte[])request.Clone();
            forged[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.IsType<ExceptionResponse>(ApduCodec.Decode(session.Receive(forged)));
        }

        Assert.Empty(session.Server.Calls);
        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.IsType<SetResponseNormal>(session.Open(session.Receive(request)));
    }

    [Fact]
    public void Receive_TruncatedHlsReplyAtEveryOffset_KeepsAuthenticationPending()
    {
        using var session = new ServerSession(ServerAssociationDefinition.UtilitySettings(), ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(HlsChallenge.Generate())));
        var reply = new ActionRequestNormal(Invoke, new CosemMethodDescriptor(15, ObisCode.CurrentAssociation, 1), new CosemData.OctetString(new byte[17])).ToArray();

        for (var length = 1; length < reply.Length; length++)
        {
            Assert.IsType<ExceptionResponse>(ApduCodec.Decode(session.Receive(reply[..length])));
        }

        Assert.Equal(AssociationState.AwaitingHlsCompletion, session.Association.State);
    }

    [Fact]
    public void Receive_RandomInputInEveryState_NeverThrows()
    {
        // Random bytes behind the tags the server dispatches on, fed to an idle, a plain and a ciphered association.
        byte[] tags = [0x60, 0x62, 0xC0, 0xC1, 0xC3, 0xC8, 0xC9, 0xCB, 0xD0, 0xDB, 0xDC, 0xDF, 0x21, 0x01, 0xD8];
        using var idle = new ServerSession(ServerAssociationDataServiceTests.PlainReader, keys: null);
        using var plain = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainUtility);
        using var ciphered = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);

        for (var i = 0; i < 3000; i++)
        {
            var input = RandomNumberGenerator.GetBytes(1 + RandomNumberGenerator.GetInt32(48));
            input[0] = tags[i % tags.Length];
            foreach (var session in new[] { idle, plain, ciphered })
            {
                if (session.Association.Receive(input) is { } response)
                {
                    ApduCodec.Decode(response.Span);
                }
            }
        }

        // Random bytes never pass for ciphertext: the client's counter is still the AARQ's.
        Assert.True(ciphered.Guard.TryGetLastAccepted(ciphered.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(1u, last);
    }
}
