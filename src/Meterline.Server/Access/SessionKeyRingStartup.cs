using System.Xml.Linq;
using Meterline.HeadEnd.Access;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Meterline.Server.Access;

/// <summary>
/// Before the node serves (a hosted service started ahead of the web server), under the database's session-key lock:
/// refuses to start when the ring's keys were encrypted under another session key file, and makes the ring's first
/// key (or a new one when none is usable) — so that nodes starting at once do not each make a default key the others
/// have not read. Later keys are made by Data Protection itself two days before the current one expires, with an
/// activation date in the future, which every node reads at its next key-ring refresh (at most 24 hours) before it is used.
/// </summary>
public sealed class SessionKeyRingStartup(ISessionKeyStore store, IKeyManager keys, SessionKeyEncryptionKey key, TimeProvider time, ILogger<SessionKeyRingStartup> log) : IHostedService
{
    /// <summary>How long a key lasts (Data Protection's default).</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    /// <summary>A key expiring sooner than this is not taken as usable (Data Protection's propagation window).</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(2);

    public Task StartAsync(CancellationToken cancellationToken) => store.ExclusiveAsync(
        async token =>
        {
            var elements = await store.ListAsync(token).ConfigureAwait(false);
            foreach (var element in elements.Select(e => XElement.Parse(e.Xml)).Where(e => e.Name == "key"))
            {
                var under = element.Descendants(SessionKeyEncryptor.ElementName).Select(e => (string?)e.Attribute(SessionKeyEncryptor.KeyIdAttribute) ?? "(unnamed)").ToList();
                if (under.Count == 0 || under.Any(id => id != key.Id))
                {
                    throw new SessionKeyRingException(
                        $"The session key {(string?)element.Attribute("id")} in the database is encrypted under session key {(under.Count == 0 ? "(none)" : under[0])}, " +
                        $"and this node's --session-key-file is {key.Id}: give every node sharing the database a copy of the same file.");
                }
            }

            var now = time.GetUtcNow();
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + RenewBefore))
            {
                var made = keys.CreateNewKey(now, now + KeyLifetime);
                log.LogInformation("Made session key {KeyId}, expiring {Expiration:u}", made.KeyId, made.ExpirationDate);
            }

            return 0;
        },
        cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
