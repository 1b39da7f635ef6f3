using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// The secrets of one meter being provisioned: global unicast encryption key, authentication key and master key
/// (16 bytes each) and the meter-reader LLS password (ASCII). Dispose zeroes them. Prints no secret.
/// </summary>
public sealed class MeterKeySet : IDisposable
{
    public const int KeyLength = 16;
    public const int GeneratedPasswordLength = 16;

    private static readonly byte[] PasswordAlphabet = Enumerable.Range('!', '~' - '!' + 1).Select(c => (byte)c).ToArray();

    private readonly byte[] _encryption = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly byte[] _authentication = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly byte[] _master = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly byte[] _readerPassword;
    private byte[] _mqttPassword = [];

    /// <summary>Copies the given secrets (checked by <see cref="KeyPolicy"/> when provisioned, not here).</summary>
    public MeterKeySet(ReadOnlySpan<byte> encryption, ReadOnlySpan<byte> authentication, ReadOnlySpan<byte> master, ReadOnlySpan<byte> readerPassword)
    {
        if (encryption.Length != KeyLength || authentication.Length != KeyLength || master.Length != KeyLength)
        {
            throw new ArgumentException($"Meter keys are {KeyLength} bytes (AES-128).");
        }

        if (readerPassword.Length > KeyPolicy.MaxPasswordLength)
        {
            throw new ArgumentException($"A reader password is at most {KeyPolicy.MaxPasswordLength} characters.", nameof(readerPassword));
        }

        encryption.CopyTo(_encryption);
        authentication.CopyTo(_authentication);
        master.CopyTo(_master);
        _readerPassword = GC.AllocateArray<byte>(readerPassword.Length, pinned: true);
        readerPassword.CopyTo(_readerPassword);
    }

    /// <summary>Fresh keys and a 16-character password (printable ASCII without space), all from <see cref="RandomNumberGenerator"/>.</summary>
    public static MeterKeySet Generate(ReadOnlySpan<byte> keepReaderPassword = default)
    {
        Span<byte> keys = stackalloc byte[3 * KeyLength];
        Span<byte> password = stackalloc byte[GeneratedPasswordLength];
        try
        {
            RandomNumberGenerator.Fill(keys);
            if (keepReaderPassword.IsEmpty)
            {
                RandomNumberGenerator.GetItems<byte>(PasswordAlphabet, password);
            }

            return new MeterKeySet(keys[..KeyLength], keys.Slice(KeyLength, KeyLength), keys[(2 * KeyLength)..],
                keepReaderPassword.IsEmpty ? password : keepReaderPassword);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
            CryptographicOperations.ZeroMemory(password);
        }
    }

    public ReadOnlySpan<byte> Encryption => _encryption;

    public ReadOnlySpan<byte> Authentication => _authentication;

    public ReadOnlySpan<byte> Master => _master;

    public ReadOnlySpan<byte> ReaderPassword => _readerPassword;

    /// <summary>The shortest MQTT password accepted: 22 base64url characters hold 132 bits; generated ones have 32 (192 bits).</summary>
    public const int MinMqttPasswordLength = 22;

    public const int MaxMqttPasswordLength = 128;

    /// <summary>The meter's MQTT password (ASCII), empty when it has none; stored as <see cref="MeterKeyKind.MqttPassword"/>.</summary>
    public ReadOnlySpan<byte> MqttPassword => _mqttPassword;

    /// <summary>Sets the MQTT password (a copy, zeroed on dispose); empty for none.</summary>
    public void SetMqttPassword(ReadOnlySpan<byte> password)
    {
        if (!password.IsEmpty && password.Length is < MinMqttPasswordLength or > MaxMqttPasswordLength)
        {
            throw new ArgumentException($"An MQTT password has {MinMqttPasswordLength} to {MaxMqttPasswordLength} characters.", nameof(password));
        }

        CryptographicOperations.ZeroMemory(_mqttPassword);
        _mqttPassword = GC.AllocateArray<byte>(password.Length, pinned: true);
        password.CopyTo(_mqttPassword);
    }

    /// <summary>The length of a generated MQTT password: 24 bytes (192 bits) from <see cref="RandomNumberGenerator"/> as base64url.</summary>
    public const int GeneratedMqttPasswordLength = 32;

    /// <summary>Sets a fresh MQTT password: 24 bytes from <see cref="RandomNumberGenerator"/>, as 32 base64url characters.</summary>
    public void GenerateMqttPassword()
    {
        Span<byte> text = stackalloc byte[GeneratedMqttPasswordLength];
        try
        {
            NewMqttPassword(text);
            SetMqttPassword(text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>Writes a fresh MQTT password (ASCII) into <paramref name="destination"/> of <see cref="GeneratedMqttPasswordLength"/> bytes.</summary>
    public static void NewMqttPassword(Span<byte> destination)
    {
        if (destination.Length != GeneratedMqttPasswordLength)
        {
            throw new ArgumentException($"A generated MQTT password has {GeneratedMqttPasswordLength} characters.", nameof(destination));
        }

        Span<byte> secret = stackalloc byte[GeneratedMqttPasswordLength / 4 * 3];
        try
        {
            RandomNumberGenerator.Fill(secret);
            System.Buffers.Text.Base64Url.EncodeToUtf8(secret, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The kinds in the order they are stored.</summary>
    public static IReadOnlyList<MeterKeyKind> Kinds { get; } = [MeterKeyKind.Encryption, MeterKeyKind.Authentication, MeterKeyKind.Master, MeterKeyKind.ReaderPassword];

    public ReadOnlySpan<byte> Get(MeterKeyKind kind) => kind switch
    {
        MeterKeyKind.Encryption => _encryption,
        MeterKeyKind.Authentication => _authentication,
        MeterKeyKind.Master => _master,
        MeterKeyKind.ReaderPassword => _readerPassword,
        MeterKeyKind.MqttPassword => _mqttPassword,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of meter secret."),
    };

    /// <summary>The field name of a kind in provisioning and installation files (encryptionKey, …, readerPassword).</summary>
    public static string FieldName(MeterKeyKind kind) => kind switch
    {
        MeterKeyKind.Encryption => "encryptionKey",
        MeterKeyKind.Authentication => "authenticationKey",
        MeterKeyKind.Master => "masterKey",
        MeterKeyKind.ReaderPassword => "readerPassword",
        MeterKeyKind.MqttPassword => "mqttPassword",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of meter secret."),
    };

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_encryption);
        CryptographicOperations.ZeroMemory(_authentication);
        CryptographicOperations.ZeroMemory(_master);
        CryptographicOperations.ZeroMemory(_readerPassword);
        CryptographicOperations.ZeroMemory(_mqttPassword);
    }

    public override string ToString() => "meter key set (secrets not shown)";
}
