namespace Meterline.Web.Portal;

/// <summary>The portal's consumer in a host without the access layer: nobody, so the portal shows no data.</summary>
public sealed class NoPortalConsumer : IPortalConsumer
{
    public string? ConsumerId => null;

    public string Actor => "portal-unauthenticated";

    public Task ReportNotOwnerAsync(string subject, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
