using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Meterline.Server.Access;

namespace Meterline.Server.Meters;

/// <summary>
/// The meter registry over HTTP: listing with filters and paging, one meter by serial, and (on a node, which has a
/// provisioner) registering meters and importing provisioning files (<see cref="MeterProvisioningApi"/>).
/// </summary>
public static class MetersApi
{
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapMeters(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/api/meters").WithTags("Meters");
        group.MapGet("/", ListAsync).WithName("ListMeters").WithSummary("Meters, filtered and paged in id order");
        group.MapGet("/{serial}", GetAsync).WithName("GetMeter").RequireAuthorization(AccessPolicies.MeterReader).WithSummary("One meter by serial number");
        if (routes.ServiceProvider.GetService<MeterProvisioner>() is not null)
        {
            group.MapMeterProvisioning();
        }

        return routes;
    }

    internal static async Task<Results<Ok<PageResponse<MeterResponse>>, ProblemHttpResult>> ListAsync(
        IMeterRepository meters,
        string? search,
        string? transformer,
        string? feeder,
        CommunicationStatus? communication,
        RelayState? relay,
        int? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        var size = pageSize ?? 100;
        if (size is < 1 or > MaxPageSize)
        {
            return ApiProblems.InvalidPaging.Result($"pageSize is 1 to {MaxPageSize}.");
        }

        if (search is { Length: > 64 } || transformer is { Length: > 64 } || feeder is { Length: > 64 })
        {
            return ApiProblems.BadRequest.Result("Filters are at most 64 characters.");
        }

        try
        {
            var page = await meters.ListAsync(new MeterFilter(search, transformer, feeder, communication, relay), size, pageToken, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new PageResponse<MeterResponse>(page.Items.Select(MeterResponse.From).ToList(), page.NextPageToken));
        }
        catch (ArgumentException)
        {
            return ApiProblems.InvalidPaging.Result("pageToken is not one this server gave.");
        }
    }

    internal static async Task<Results<Ok<MeterResponse>, ProblemHttpResult>> GetAsync(IMeterRepository meters, string serial, CancellationToken cancellationToken)
    {
        var meter = await meters.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
        return meter is null
            ? ApiProblems.UnknownMeter.Result($"No meter has serial '{serial}'.")
            : TypedResults.Ok(MeterResponse.From(meter));
    }
}
