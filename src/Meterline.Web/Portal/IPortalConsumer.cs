namespace Meterline.Web.Portal;

/// <summary>
/// The consumer signed in to the portal in this request: the consumer id every portal query is scoped by, the name
/// recorded as the actor of what they do, and the audit of a request for something that is not theirs. Registered
/// scoped; the head-end's access layer replaces <see cref="NoPortalConsumer"/> with the signed-in user.
/// </summary>
public interface IPortalConsumer
{
    /// <summary>The consumer the signed-in user is bound to, or null (nobody, or not a consumer): then the portal shows nothing.</summary>
    string? ConsumerId { get; }

    /// <summary>The name recorded as the actor of this user's top-ups.</summary>
    string Actor { get; }

    /// <summary>Audits a request for a meter, bill or account that is not this consumer's (answered as not found).</summary>
    /// <param name="subject">What was asked for, e.g. <c>GET /my/meters/SN-2</c>.</param>
    Task ReportNotOwnerAsync(string subject, CancellationToken cancellationToken = default);
}
