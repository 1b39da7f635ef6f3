using System.Globalization;

namespace Meterline.Dlms.Security;

/// <summary>
/// The security control byte (SC) that starts every ciphered content (Green Book 9.2.7.2.4.2, Table 37):
/// bits 0-3 security suite id, bit 4 authentication, bit 5 encryption, bit 6 key set (0 unicast, 1 broadcast),
/// bit 7 compression.
/// </summary>
public readonly record struct SecurityControl(byte Value)
{
    private const byte SuiteMask = 0x0F;
    private const byte AuthenticationBit = 0x10;
    private const byte EncryptionBit = 0x20;
    private const byte BroadcastKeyBit = 0x40;
    private const byte CompressionBit = 0x80;

    /// <summary>Authentication only, unicast key, suite 0 (0x10).</summary>
    public static SecurityControl AuthenticationOnly => new(AuthenticationBit);

    /// <summary>Encryption only, unicast key, suite 0 (0x20).</summary>
    public static SecurityControl EncryptionOnly => new(EncryptionBit);

    /// <summary>Authenticated encryption, unicast key, suite 0 (0x30).</summary>
    public static SecurityControl AuthenticatedEncryption => new(AuthenticationBit | EncryptionBit);

    /// <summary>The security suite id (bits 0-3); values above 2 are reserved.</summary>
    public int SuiteId => Value & SuiteMask;

    /// <summary>True when the suite id is one of the defined suites 0, 1 or 2.</summary>
    public bool IsDefinedSuite => SuiteId <= (int)SecuritySuite.EcdhEcdsaAesGcm256Sha384;

    /// <summary>The security suite; only meaningful when <see cref="IsDefinedSuite"/> is true.</summary>
    public SecuritySuite Suite => (SecuritySuite)SuiteId;

    /// <summary>Bit 4: the content carries an authentication tag.</summary>
    public bool IsAuthenticated => (Value & AuthenticationBit) != 0;

    /// <summary>Bit 5: the content is encrypted.</summary>
    public bool IsEncrypted => (Value & EncryptionBit) != 0;

    /// <summary>Bit 6 (key set): the broadcast encryption key is used instead of the unicast key.</summary>
    public bool UsesBroadcastKey => (Value & BroadcastKeyBit) != 0;

    /// <summary>Bit 7: the content is compressed before ciphering.</summary>
    public bool IsCompressed => (Value & CompressionBit) != 0;

    /// <summary>True when at least one of authentication and encryption is applied.</summary>
    public bool IsProtected => (Value & (AuthenticationBit | EncryptionBit)) != 0;

    /// <summary>Builds a security control byte from its fields.</summary>
    public static SecurityControl Create(
        SecuritySuite suite,
        bool authenticated,
        bool encrypted,
        bool broadcastKey = false,
        bool compressed = false)
    {
        if ((byte)suite > SuiteMask)
        {
            throw new ArgumentOutOfRangeException(nameof(suite));
        }

        var value = (byte)suite;
        value |= authenticated ? AuthenticationBit : (byte)0;
        value |= encrypted ? EncryptionBit : (byte)0;
        value |= broadcastKey ? BroadcastKeyBit : (byte)0;
        value |= compressed ? CompressionBit : (byte)0;
        return new SecurityControl(value);
    }

    /// <summary>Reads the byte; false when <paramref name="source"/> is empty.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SecurityControl value, out int bytesConsumed)
    {
        if (source.IsEmpty)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new SecurityControl(source[0]);
        bytesConsumed = 1;
        return true;
    }

    /// <summary>Reads the byte; throws <see cref="DlmsFormatException"/> when <paramref name="source"/> is empty.</summary>
    public static SecurityControl Decode(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        if (!TryDecode(source, out var value, out bytesConsumed))
        {
            throw new DlmsFormatException(DlmsErrorReason.Truncated, 0, "Security control byte missing");
        }

        return value;
    }

    /// <summary>Always 1.</summary>
    public int GetEncodedLength() => 1;

    /// <summary>Writes the byte; false when <paramref name="destination"/> is empty.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.IsEmpty)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = Value;
        bytesWritten = 1;
        return true;
    }

    /// <summary>Writes the byte and returns 1; throws when <paramref name="destination"/> is empty.</summary>
    public int Encode(Span<byte> destination)
    {
        if (!TryEncode(destination, out var written))
        {
            throw new ArgumentException("Destination is too small", nameof(destination));
        }

        return written;
    }

    /// <summary>The byte as a one-element array.</summary>
    public byte[] Encode() => [Value];

    public override string ToString()
    {
        var protection = (IsAuthenticated, IsEncrypted) switch
        {
            (true, true) => "authenticated encryption",
            (true, false) => "authentication only",
            (false, true) => "encryption only",
            _ => "no protection",
        };

        return string.Create(
            CultureInfo.InvariantCulture,
            $"SC 0x{Value:X2} ({protection}, suite {SuiteId}{(UsesBroadcastKey ? ", broadcast key" : string.Empty)}{(IsCompressed ? ", compressed" : string.Empty)})");
    }
}
