using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Meterline.Server.Access;

/// <summary>
/// Decrypts what <see cref="SessionKeyEncryptor"/> wrote. Data Protection makes it by its type name, with the node's
/// service provider, from which it takes the <see cref="SessionKeyEncryptionKey"/>.
/// </summary>
public sealed class SessionKeyDecryptor : IXmlDecryptor
{
    private readonly SessionKeyEncryptionKey _key;

    public SessionKeyDecryptor(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _key = services.GetRequiredService<SessionKeyEncryptionKey>();
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != SessionKeyEncryptor.ElementName)
        {
            throw new CryptographicException($"A session key is encrypted as <{SessionKeyEncryptor.ElementName}>, not <{encryptedElement.Name}>.");
        }

        var keyId = (string?)encryptedElement.Attribute(SessionKeyEncryptor.KeyIdAttribute);
        if (keyId != _key.Id)
        {
            throw new CryptographicException($"This session key was encrypted under session key {keyId}, not this node's {_key.Id}: give every node the same --session-key-file.");
        }

        var plaintext = _key.Open(Convert.FromBase64String(encryptedElement.Value));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
