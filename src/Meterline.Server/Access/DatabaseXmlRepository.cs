using System.Xml.Linq;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Meterline.Server.Access;

/// <summary>
/// The Data Protection key ring in the head-end database (<see cref="ISessionKeyStore"/>), so that every node on the
/// database reads the same keys and a session cookie issued by one is accepted by all (docs/access.md, "Sessions on
/// several nodes"). Data Protection calls this synchronously, rarely (at start, on a key-ring refresh, when it makes a
/// key), so the store's calls are waited on here, each bounded by <see cref="Timeout"/>. A new key is audited.
/// </summary>
public sealed class DatabaseXmlRepository(ISessionKeyStore store, IAuditLog audit, TimeProvider time) : IXmlRepository
{
    /// <summary>The audit action of a new key element (its name is the subject; no secret is in the entry).</summary>
    public const string CreatedAction = "access.session-key.created";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var bound = new CancellationTokenSource(Timeout);
        var elements = store.ListAsync(bound.Token).GetAwaiter().GetResult();
        return [.. elements.Select(e => XElement.Parse(e.Xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrWhiteSpace(friendlyName);
        using var bound = new CancellationTokenSource(Timeout);
        var added = store.AddAsync(new SessionKeyElement(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow()), bound.Token).GetAwaiter().GetResult();
        if (added)
        {
            var detail = new AuditDetail().Add("element", element.Name.LocalName);
            if ((string?)element.Attribute("id") is { } id)
            {
                detail.Add("key", id);
            }

            audit.AppendAsync("system", CreatedAction, friendlyName, detail.ToString(), bound.Token).GetAwaiter().GetResult();
        }
    }
}
