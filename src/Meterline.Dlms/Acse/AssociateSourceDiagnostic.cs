namespace Meterline.Dlms.Acse;

/// <summary>
/// Associate-source-diagnostic ::= CHOICE { acse-service-user [1] INTEGER, acse-service-provider [2] INTEGER }
/// (Green Book ACSE ASN.1), the AARE result-source-diagnostic [3]. Encoded as <c>A3 05 A1 03 02 01 vv</c>.
/// </summary>
public readonly record struct AssociateSourceDiagnostic
{
    private AssociateSourceDiagnostic(AcseDiagnosticSource source, int value)
    {
        Source = source;
        Value = value;
    }

    public AcseDiagnosticSource Source { get; }

    /// <summary>The diagnostic number; see <see cref="ServiceUser"/> and <see cref="ServiceProvider"/>.</summary>
    public int Value { get; }

    /// <summary>The acse-service-user diagnostic, or null when the provider is the source.</summary>
    public AcseServiceUserDiagnostic? ServiceUser =>
        Source == AcseDiagnosticSource.AcseServiceUser ? (AcseServiceUserDiagnostic)Value : null;

    /// <summary>The acse-service-provider diagnostic, or null when the user is the source.</summary>
    public AcseServiceProviderDiagnostic? ServiceProvider =>
        Source == AcseDiagnosticSource.AcseServiceProvider ? (AcseServiceProviderDiagnostic)Value : null;

    public static AssociateSourceDiagnostic FromServiceUser(AcseServiceUserDiagnostic diagnostic)
    {
        if (!Enum.IsDefined(diagnostic))
        {
            throw new ArgumentOutOfRangeException(nameof(diagnostic));
        }

        return new(AcseDiagnosticSource.AcseServiceUser, (int)diagnostic);
    }

    public static AssociateSourceDiagnostic FromServiceProvider(AcseServiceProviderDiagnostic diagnostic)
    {
        if (!Enum.IsDefined(diagnostic))
        {
            throw new ArgumentOutOfRangeException(nameof(diagnostic));
        }

        return new(AcseDiagnosticSource.AcseServiceProvider, (int)diagnostic);
    }

    public override string ToString() => Source == AcseDiagnosticSource.AcseServiceUser
        ? $"acse-service-user: {ServiceUser}"
        : $"acse-service-provider: {ServiceProvider}";

    /// <summary>Reads <c>[3] { [1] INTEGER | [2] INTEGER }</c>; unknown alternatives and values are rejected.</summary>
    internal static AssociateSourceDiagnostic Read(ref BerReader reader, BerTag explicitTag)
    {
        var outer = reader.ReadConstructed(explicitTag);
        var tag = outer.PeekTag();
        if (tag.TagClass != BerTagClass.ContextSpecific ||
            tag.TagValue is not ((int)AcseDiagnosticSource.AcseServiceUser or (int)AcseDiagnosticSource.AcseServiceProvider))
        {
            throw outer.Error(DlmsErrorReason.UnknownTag, $"Unknown Associate-source-diagnostic alternative {tag}");
        }

        var source = (AcseDiagnosticSource)tag.TagValue;
        var inner = outer.ReadConstructed(BerTag.ContextSpecific(tag.TagValue, isConstructed: true));
        var valueStart = inner.Offset;
        var value = inner.ReadInteger(BerTag.Integer);
        inner.EnsureAtEnd();
        outer.EnsureAtEnd();
        var known = source == AcseDiagnosticSource.AcseServiceUser
            ? Enum.IsDefined((AcseServiceUserDiagnostic)value)
            : Enum.IsDefined((AcseServiceProviderDiagnostic)value);
        if (!known)
        {
            throw new DlmsFormatException(DlmsErrorReason.UnknownTag, valueStart, $"Unknown {source} diagnostic {value}");
        }

        return new(source, value);
    }

    internal void Write(BerWriter writer, BerTag explicitTag)
    {
        if (!Enum.IsDefined(Source))
        {
            throw new InvalidOperationException("The result-source-diagnostic is not set");
        }

        var choiceTag = BerTag.ContextSpecific((int)Source, isConstructed: true);
        var integerLength = BerWriter.GetEncodedLength(BerTag.Integer, BerWriter.GetIntegerLength(Value));
        writer.WriteHeader(explicitTag, BerWriter.GetEncodedLength(choiceTag, integerLength));
        writer.WriteHeader(choiceTag, integerLength);
        writer.WriteInteger(BerTag.Integer, Value);
    }
}
