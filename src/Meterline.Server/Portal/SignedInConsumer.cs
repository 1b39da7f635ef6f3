using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Access;
using Meterline.Web.Portal;

namespace Meterline.Server.Portal;

/// <summary>
/// The consumer portal's <see cref="IPortalConsumer"/> for a request: the consumer id of the authenticated principal's
/// consumer claim (only a consumer-role principal has one; anyone else is nobody to the portal), its name the actor. A
/// request for another consumer's meter, bill or account is audited as <c>access.denied.not-owner</c> (status 404,
/// <c>via=portal</c>), as the API audits a consumer's request for another's meter.
/// </summary>
public sealed class SignedInConsumer(IHttpContextAccessor http, DenialAuditor auditor) : IPortalConsumer
{
    public string? ConsumerId =>
        http.HttpContext?.User is { } user && user.IsInRole(AccessRole.Consumer.Name()) ? user.FindFirst(AccessClaims.Consumer)?.Value : null;

    public string Actor => http.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : AccessResultHandler.Anonymous;

    public Task ReportNotOwnerAsync(string subject, CancellationToken cancellationToken = default) =>
        auditor.ReportAsync(http.HttpContext is { } context ? RequestSource.Of(context) : "portal", "access.denied.not-owner", Actor, subject,
            new AuditDetail().Add("status", StatusCodes.Status404NotFound).Add("via", "portal"), cancellationToken);
}
