using System.Security.Cryptography;

namespace Meterline.Meter.Security;

/// <summary>
/// The key store's secrets as bytes, for persistence (<see cref="MeterKeyStore.Snapshot"/> and
/// <see cref="MeterKeyStore.Restore"/>), with the head-end's public key the meter trusts (<see cref="HesPublicKey"/>:
/// 0x04 ‖ X ‖ Y, 65 bytes, not secret). An empty member means the secret is absent. Compared in fixed time; never
/// printed. Whoever persists it must protect it at rest and drop it when done.
/// </summary>
public sealed record MeterKeyMaterial(
    ReadOnlyMemory<byte> GlobalUnicastEncryptionKey,
    ReadOnlyMemory<byte> GlobalBroadcastEncryptionKey,
    ReadOnlyMemory<byte> AuthenticationKey,
    ReadOnlyMemory<byte> MasterKey,
    ReadOnlyMemory<byte> LlsSecret,
    ReadOnlyMemory<byte> HesPublicKey = default)
{
    /// <summary>Nothing stored.</summary>
    public static MeterKeyMaterial Empty { get; } = new(default, default, default, default, default);

    public bool Equals(MeterKeyMaterial? other) =>
        other is not null
        && Same(GlobalUnicastEncryptionKey, other.GlobalUnicastEncryptionKey)
        & Same(GlobalBroadcastEncryptionKey, other.GlobalBroadcastEncryptionKey)
        & Same(AuthenticationKey, other.AuthenticationKey)
        & Same(MasterKey, other.MasterKey)
        & Same(LlsSecret, other.LlsSecret)
        & Same(HesPublicKey, other.HesPublicKey);

    /// <summary>Depends only on which secrets are present, so it reveals nothing about them.</summary>
    public override int GetHashCode() => HashCode.Combine(
        GlobalUnicastEncryptionKey.Length,
        GlobalBroadcastEncryptionKey.Length,
        AuthenticationKey.Length,
        MasterKey.Length,
        LlsSecret.Length,
        HesPublicKey.Length);

    /// <summary>Shows which secrets are present, never their bytes.</summary>
    public override string ToString() =>
        $"MeterKeyMaterial(redacted; EK {Present(GlobalUnicastEncryptionKey)}, broadcast {Present(GlobalBroadcastEncryptionKey)}, " +
        $"AK {Present(AuthenticationKey)}, KEK {Present(MasterKey)}, LLS {Present(LlsSecret)}, HES public key {Present(HesPublicKey)})";

    private static string Present(ReadOnlyMemory<byte> value) => value.IsEmpty ? "absent" : "present";

    private static bool Same(ReadOnlyMemory<byte> left, ReadOnlyMemory<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left.Span, right.Span);
}
