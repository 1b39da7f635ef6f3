using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;

namespace Meterline.Meter.Tests.Cosem;

public sealed class AssociationLnObjectTests
{
    private static readonly ObisCode SecuritySetup = new(0, 0, 43, 0, 3, 255);

    private static AssociationLnDescription Description(
        AuthenticationMechanism mechanism = AuthenticationMechanism.HighGmac,
        Func<ReadOnlyMemory<byte>, bool>? changeSecret = null) =>
        new(48, 1, ApplicationContextName.LogicalNameReferencingWithCiphering, mechanism,
            Conformance.Get | Conformance.Set | Conformance.Action | Conformance.SelectiveAccess, 1024, 512, SecuritySetup, changeSecret);

    private static readonly ObjectListEntry LoadProfile = new(
        7, 1, new ObisCode(1, 0, 99, 1, 0, 255),
        [(1, AttributeAccess.Read), (2, AttributeAccess.Read | AttributeAccess.AuthenticatedRequest), (4, AttributeAccess.ReadWrite)],
        [(1, MethodAccess.Access | MethodAccessFlags.Authenticated), (2, MethodAccess.None)]);

    private static class MethodAccessFlags
    {
        public const MethodAccess Authenticated = MethodAccess.AuthenticatedRequest | MethodAccess.EncryptedRequest;
    }

    private static AssociationLnObject Association(AssociationLnDescription? description = null, Func<byte>? status = null) =>
        new(Contexts.UtilityLn, description ?? Description(), () => [LoadProfile], status);

    [Fact]
    public void ObjectListEntry_MixedAccessRights_EncodesVersion1Modes()
    {
        var expected = new CosemData.Structure(
            new CosemData.LongUnsigned(7),
            new CosemData.Unsigned(1),
            Contexts.OctetString(1, 0, 99, 1, 0, 255),
            new CosemData.Structure(
                new CosemData.Array(
                    new CosemData.Structure(new CosemData.Integer(1), new CosemData.Enum(1), CosemData.NullData.Instance),
                    new CosemData.Structure(new CosemData.Integer(2), new CosemData.Enum(4), new CosemData.Array(new CosemData.Integer(1), new CosemData.Integer(2))),
                    new CosemData.Structure(new CosemData.Integer(4), new CosemData.Enum(3), CosemData.NullData.Instance)),
                new CosemData.Array(
                    new CosemData.Structure(new CosemData.Integer(1), new CosemData.Enum(2)),
                    new CosemData.Structure(new CosemData.Integer(2), new CosemData.Enum(0)))));
        Assert.Equal(expected, LoadProfile.ToData());
        Assert.Equal(new CosemData.Array(expected), Association().Get(Contexts.Utility, 2, null).Data);
    }

    [Theory]
    [InlineData(AttributeAccess.None, AttributeAccessMode.NoAccess)]
    [InlineData(AttributeAccess.AuthenticatedRequest, AttributeAccessMode.NoAccess)]
    [InlineData(AttributeAccess.Read, AttributeAccessMode.ReadOnly)]
    [InlineData(AttributeAccess.Write, AttributeAccessMode.WriteOnly)]
    [InlineData(AttributeAccess.ReadWrite, AttributeAccessMode.ReadAndWrite)]
    [InlineData(AttributeAccess.Read | AttributeAccess.AuthenticatedRequest, AttributeAccessMode.AuthenticatedReadOnly)]
    [InlineData(AttributeAccess.Write | AttributeAccess.SignedRequest, AttributeAccessMode.AuthenticatedWriteOnly)]
    [InlineData(AttributeAccess.ReadWrite | AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedResponse, AttributeAccessMode.AuthenticatedReadAndWrite)]
    [InlineData(AttributeAccess.Read | AttributeAccess.EncryptedRequest | AttributeAccess.AuthenticatedResponse, AttributeAccessMode.ReadOnly)]
    public void ToAccessMode_Attribute(AttributeAccess access, AttributeAccessMode expected) =>
        Assert.Equal(expected, ObjectListEntry.ToAccessMode(access));

    [Theory]
    [InlineData(MethodAccess.None, MethodAccessMode.NoAccess)]
    [InlineData(MethodAccess.Access, MethodAccessMode.Access)]
    [InlineData(MethodAccess.Access | MethodAccess.EncryptedRequest, MethodAccessMode.Access)]
    [InlineData(MethodAccess.Access | MethodAccess.AuthenticatedRequest, MethodAccessMode.AuthenticatedAccess)]
    [InlineData(MethodAccess.Access | MethodAccess.SignedRequest, MethodAccessMode.AuthenticatedAccess)]
    public void ToAccessMode_Method(MethodAccess access, MethodAccessMode expected) =>
        Assert.Equal(expected, ObjectListEntry.ToAccessMode(access));

    [Fact]
    public void Get_EveryOtherAttribute_BlueBookEncodings()
    {
        var association = Association();
        Assert.Equal((ushort)15, association.ClassId);
        Assert.Equal((byte)1, association.Version);
        Assert.Equal(Contexts.OctetString(0, 0, 40, 0, 3, 255), association.Get(Contexts.Utility, 1, null).Data);
        Assert.Equal(new CosemData.Structure(new CosemData.Integer(48), new CosemData.LongUnsigned(1)), association.Get(Contexts.Utility, 3, null).Data);
        Assert.Equal(Contexts.OctetString(0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x03), association.Get(Contexts.Utility, 4, null).Data);
        // Conformance: get (bit 19) 0x10, set (20) 0x08, selective-access (21) 0x04, action (23) 0x01.
        Assert.Equal(
            new CosemData.Structure(
                new CosemData.BitString(new byte[] { 0x00, 0x00, 0x1D }, 24),
                new CosemData.LongUnsigned(1024),
                new CosemData.LongUnsigned(512),
                new CosemData.Unsigned(6),
                new CosemData.Integer(0),
                Contexts.OctetString()),
            association.Get(Contexts.Utility, 5, null).Data);
        Assert.Equal(Contexts.OctetString(0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x05), association.Get(Contexts.Utility, 6, null).Data);
        Assert.Equal(new CosemData.Enum(2), association.Get(Contexts.Utility, 8, null).Data);
        Assert.Equal(Contexts.OctetString(0, 0, 43, 0, 3, 255), association.Get(Contexts.Utility, 9, null).Data);
        Assert.Equal(DataAccessResult.ObjectUndefined, association.Get(Contexts.Utility, 10, null).Result);
    }

    [Fact]
    public void Get_AssociationStatusFromCallback()
    {
        Assert.Equal(new CosemData.Enum(1), Association(status: () => 1).Get(Contexts.Utility, 8, null).Data);
    }

    [Fact]
    public void Get_Secret_ReadWriteDenied()
    {
        var result = Association(Description(AuthenticationMechanism.Low, _ => true)).Get(Contexts.Utility, 7, null);
        Assert.Equal(DataAccessResult.ReadWriteDenied, result.Result);
        Assert.Null(result.Data);
    }

    [Fact]
    public void Set_SecretInLlsAssociation_GoesToCallback()
    {
        byte[]? installed = null;
        var association = Association(Description(AuthenticationMechanism.Low, s =>
        {
            installed = s.ToArray();
            return true;
        }));
        Assert.Equal(DataAccessResult.Success, association.Set(Contexts.Utility, 7, null, Contexts.OctetString(0x31, 0x32, 0x33)));
        Assert.Equal(new byte[] { 0x31, 0x32, 0x33 }, installed);
    }

    [Fact]
    public void Set_SecretRefusals()
    {
        var calls = 0;
        bool Accept(ReadOnlyMemory<byte> _) => ++calls > 0;
        var lls = Association(Description(AuthenticationMechanism.Low, Accept));
        Assert.Equal(DataAccessResult.TypeUnmatched, lls.Set(Contexts.Utility, 7, null, new CosemData.VisibleString("abc")));
        Assert.Equal(DataAccessResult.OtherReason, lls.Set(Contexts.Utility, 7, null, Contexts.OctetString()));
        Assert.Equal(DataAccessResult.OtherReason, lls.Set(Contexts.Utility, 7, null, Contexts.OctetString(new byte[65])));
        Assert.Equal(0, calls);

        Assert.Equal(DataAccessResult.ReadWriteDenied, Association(Description(AuthenticationMechanism.Low)).Set(Contexts.Utility, 7, null, Contexts.OctetString(1)));
        Assert.Equal(DataAccessResult.ReadWriteDenied, Association(Description(AuthenticationMechanism.HighGmac, Accept)).Set(Contexts.Utility, 7, null, Contexts.OctetString(1)));
        Assert.Equal(DataAccessResult.OtherReason, Association(Description(AuthenticationMechanism.Low, _ => false)).Set(Contexts.Utility, 7, null, Contexts.OctetString(1)));
        Assert.Equal(DataAccessResult.ReadWriteDenied, lls.Set(Contexts.Utility, 2, null, new CosemData.Array()));
        Assert.Equal(DataAccessResult.ReadWriteDenied, lls.Set(Contexts.Utility, 8, null, new CosemData.Enum(0)));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Invoke_ChangeHlsSecret_GoesToCallback()
    {
        byte[]? installed = null;
        var association = Association(Description(AuthenticationMechanism.HighGmac, s =>
        {
            installed = s.ToArray();
            return true;
        }));
        var secret = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(ActionResult.Success, association.Invoke(Contexts.Utility, 2, new CosemData.OctetString(secret)).Result);
        Assert.Equal(secret, installed);
    }

    [Fact]
    public void Invoke_Refusals()
    {
        var calls = 0;
        bool Accept(ReadOnlyMemory<byte> _) => ++calls > 0;
        var hls = Association(Description(AuthenticationMechanism.HighGmac, Accept));
        Assert.Equal(ActionResult.TypeUnmatched, hls.Invoke(Contexts.Utility, 2, new CosemData.Integer(0)).Result);
        Assert.Equal(ActionResult.TypeUnmatched, hls.Invoke(Contexts.Utility, 2, null).Result);
        Assert.Equal(ActionResult.OtherReason, hls.Invoke(Contexts.Utility, 2, Contexts.OctetString()).Result);
        Assert.Equal(ActionResult.ReadWriteDenied, hls.Invoke(Contexts.Utility, 1, Contexts.OctetString(1, 2)).Result);
        Assert.Equal(ActionResult.ReadWriteDenied, hls.Invoke(Contexts.Utility, 3, new CosemData.Structure()).Result);
        Assert.Equal(ActionResult.ReadWriteDenied, hls.Invoke(Contexts.Utility, 4, new CosemData.Structure()).Result);
        Assert.Equal(ActionResult.ObjectUndefined, hls.Invoke(Contexts.Utility, 5, new CosemData.Structure()).Result);
        Assert.Equal(0, calls);

        Assert.Equal(ActionResult.ReadWriteDenied, Association(Description(AuthenticationMechanism.Low, Accept)).Invoke(Contexts.Utility, 2, Contexts.OctetString(1)).Result);
        Assert.Equal(ActionResult.ReadWriteDenied, Association(Description(AuthenticationMechanism.HighGmac)).Invoke(Contexts.Utility, 2, Contexts.OctetString(1)).Result);
        Assert.Equal(ActionResult.OtherReason, Association(Description(AuthenticationMechanism.HighGmac, _ => false)).Invoke(Contexts.Utility, 2, Contexts.OctetString(1)).Result);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Description_FromDefinition_TakesTheAssociationsFacts()
    {
        var description = AssociationLnDescription.FromDefinition(ServerAssociationDefinition.UtilitySettings(), 1, 1024, SecuritySetup);
        Assert.Equal(48, description.ClientSap);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingWithCiphering, description.ApplicationContextName);
        Assert.Equal(AuthenticationMechanism.HighGmac, description.AuthenticationMechanism);
        Assert.Equal(ServerAssociationDefinition.UtilitySettings().SupportedConformance, description.Conformance);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AssociationLnDescription(128, 1, ApplicationContextName.LogicalNameReferencingNoCiphering, AuthenticationMechanism.Lowest, Conformance.Get, 1024, 1024, SecuritySetup));
    }

    [Fact]
    public void CurrentAssociation_ForwardsToTheAssociationOfTheRequest()
    {
        var utility = Association();
        var publicClient = new AssociationLnObject(
            Contexts.PublicLn,
            new AssociationLnDescription(16, 1, ApplicationContextName.LogicalNameReferencingNoCiphering, AuthenticationMechanism.Lowest, Conformance.Get, 1024, 1024, new ObisCode(0, 0, 43, 0, 1, 255)),
            () => []);
        var current = new CurrentAssociationObject(ln => ln == Contexts.UtilityLn ? utility : ln == Contexts.PublicLn ? publicClient : null);

        Assert.Equal(Contexts.OctetString(0, 0, 40, 0, 0, 255), current.Get(Contexts.Utility, 1, null).Data);
        Assert.Equal((ushort)15, current.ClassId);
        Assert.Equal(new CosemData.Structure(new CosemData.Integer(48), new CosemData.LongUnsigned(1)), current.Get(Contexts.Utility, 3, null).Data);
        Assert.Equal(new CosemData.Structure(new CosemData.Integer(16), new CosemData.LongUnsigned(1)), current.Get(Contexts.Public, 3, null).Data);
        Assert.Equal(new CosemData.Array(), current.Get(Contexts.Public, 2, null).Data);
        Assert.Equal(DataAccessResult.ReadWriteDenied, current.Get(Contexts.Utility, 7, null).Result);
        Assert.Equal(DataAccessResult.ReadWriteDenied, current.Set(Contexts.Utility, 7, null, Contexts.OctetString(1)));
        Assert.Equal(ActionResult.ReadWriteDenied, current.Invoke(Contexts.Utility, 1, Contexts.OctetString(1)).Result);
    }

    [Fact]
    public void CurrentAssociation_ForwardsWritesAndMethods()
    {
        var changes = 0;
        var utility = Association(Description(AuthenticationMechanism.HighGmac, _ => ++changes > 0));
        var current = new CurrentAssociationObject(ln => ln == Contexts.UtilityLn ? utility : null);
        Assert.Equal(ActionResult.Success, current.Invoke(Contexts.Utility, 2, Contexts.OctetString(1, 2, 3)).Result);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void CurrentAssociation_UnknownAssociation_ObjectUndefined()
    {
        var current = new CurrentAssociationObject(_ => null);
        Assert.Equal(DataAccessResult.ObjectUndefined, current.Get(Contexts.Public, 2, null).Result);
        Assert.Equal(DataAccessResult.ObjectUndefined, current.Set(Contexts.Public, 7, null, Contexts.OctetString(1)));
        Assert.Equal(ActionResult.ObjectUndefined, current.Invoke(Contexts.Public, 2, Contexts.OctetString(1)).Result);
    }
}
