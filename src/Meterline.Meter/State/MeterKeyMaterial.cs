using System.Security.Cryptography;

namespace Meterline.Meter.State;

/// <summary>
/// A meter's secret keys as stored: global unicast encryption key, authentication key, master key (KEK) and the LLS
/// secret of the meter-reader association. Never printed; compared in constant time.
/// </summary>
public sealed record MeterKeyMaterial(
    ReadOnlyMemory<byte> EncryptionKey,
    ReadOnlyMemory<byte> AuthenticationKey,
    ReadOnlyMemory<byte> MasterKey,
    ReadOnlyMemory<byte> LlsSecret)
{
    public bool Equals(MeterKeyMaterial? other) =>
        other is not null &&
        CryptographicOperations.FixedTimeEquals(EncryptionKey.Span, other.EncryptionKey.Span) &&
        CryptographicOperations.FixedTimeEquals(AuthenticationKey.Span, other.AuthenticationKey.Span) &&
        CryptographicOperations.FixedTimeEquals(MasterKey.Span, other.MasterKey.Span) &&
        CryptographicOperations.FixedTimeEquals(LlsSecret.Span, other.LlsSecret.Span);

    public override int GetHashCode() => EncryptionKey.Length;

    public override string ToString() => "MeterKeyMaterial { keys redacted }";
}
