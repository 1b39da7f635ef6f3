using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Meterline.Server.Access;

/// <summary>
/// Encrypts the secret part of a Data Protection key (its master key) under the <see cref="SessionKeyEncryptionKey"/>
/// before the key ring is written to the database: <c>&lt;sessionKeyEncrypted kek="ID"&gt;base64&lt;/…&gt;</c>.
/// </summary>
public sealed class SessionKeyEncryptor(SessionKeyEncryptionKey key) : IXmlEncryptor
{
    public const string ElementName = "sessionKeyEncrypted";
    public const string KeyIdAttribute = "kek";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var sealedBlob = key.Seal(plaintext);
            var element = new XElement(ElementName, new XAttribute(KeyIdAttribute, key.Id), Convert.ToBase64String(sealedBlob));
            return new EncryptedXmlInfo(element, typeof(SessionKeyDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
