using System.Diagnostics.CodeAnalysis;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Links;

/// <summary>
/// Finds the cipher of a meter by its system title. Implementations cache one <see cref="AesGcmCipher"/> per meter
/// key (creating one per message halves throughput) and answer false for senders they do not know, which are then
/// dropped before any cryptography. Called concurrently.
/// </summary>
public interface ISenderKeyResolver
{
    bool TryGetCipher(SystemTitle sender, [NotNullWhen(true)] out AesGcmCipher? cipher);
}
