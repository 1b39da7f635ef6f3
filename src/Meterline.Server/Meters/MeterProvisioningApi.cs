using System.Security.Cryptography;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.Server.Api;
using Meterline.Server.Hosting;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Meterline.Server.Access;

namespace Meterline.Server.Meters;

/// <summary>
/// Provisioning over HTTP: register one meter with fresh keys (the response never holds a key), or import a
/// provisioning file (docs/simulator.md "Provisioning file", at most <see cref="MaxImportBytes"/> per request) meter
/// by meter. The installation document (the keys a meter needs on site) is NOT served: the API has no authentication
/// yet, so exporting keys stays a local operation (<c>MeterProvisioner.ExportInstallationAsync</c>).
/// </summary>
public static class MeterProvisioningApi
{
    public const int MaxImportBytes = 8 << 20;
    private const int MaxRegistrationBytes = 16 * 1024;

    public static RouteGroupBuilder MapMeterProvisioning(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPost("/", AddAsync).WithName("AddMeter").RequireAuthorization(AccessPolicies.Admin).Accepts<MeterRegistrationRequest>("application/json")
            .WithSummary("Register one meter; the head-end makes its keys and never returns them")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/import", ImportAsync).WithName("ImportMeters").RequireAuthorization(AccessPolicies.Admin).Accepts<System.Text.Json.JsonElement>("application/json")
            .WithSummary("Import a provisioning file (the body, at most 8 MiB): each meter added, skipped or refused")
            .WithDescription("The body is a provisioning file, format version 1 (docs/simulator.md): it holds keys, so send it only over a trusted link.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    internal static async Task<Results<Created<MeterResponse>, Ok<MeterResponse>, ProblemHttpResult>> AddAsync(
        HttpRequest request,
        [FromServices] MeterProvisioner provisioner,
        [FromServices] IMeterRepository meters,
        [FromServices] ProfileCatalog profiles,
        [FromServices] IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<MeterRegistrationRequest>(request, json.Value.SerializerOptions, MaxRegistrationBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!MeterRegistrationValidator.TryValidate(body!, profiles, out var registration, out var error))
        {
            return ApiProblems.InvalidRegistration.Result(error);
        }

        var result = await provisioner.AddAsync(registration, actor, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == ProvisioningOutcome.Refused || result.Meter is not { } id || await meters.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } meter)
        {
            return ApiProblems.MeterRefused.Result(result.Reason);
        }

        return result.Outcome == ProvisioningOutcome.Added
            ? TypedResults.Created($"/api/meters/{meter.Serial}", MeterResponse.From(meter))
            : TypedResults.Ok(MeterResponse.From(meter));
    }

    internal static async Task<Results<Ok<ImportReportResponse>, ProblemHttpResult>> ImportAsync(
        HttpRequest request,
        [FromServices] MeterProvisioner provisioner,
        [FromServices] ProfileCatalog profiles,
        [FromServices] ITransformerMeterStore transformers,
        [FromServices] IAuditLog audit,
        IMeterRepository meters,
        CancellationToken cancellationToken)
    {
        if (!RequestActor.TryGet(request, out var actor, out var actorProblem))
        {
            return actorProblem!;
        }

        var (buffer, length, problem) = await BoundedBody.ReadJsonAsync(request, MaxImportBytes, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        ProvisioningFile file;
        try
        {
            file = ProvisioningFileReader.Parse(buffer.AsSpan(0, length), "provisioning file");
        }
        catch (InvalidDataException e)
        {
            return ApiProblems.InvalidProvisioningFile.Result(e.Message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        using (file)
        {
            if (file.Meters.FirstOrDefault(m => profiles.Find(m.Registration.ProfileId) is null) is { } unknown)
            {
                return ApiProblems.InvalidProvisioningFile.Result(
                    $"provisioning file: meter {unknown.Index} ({unknown.Registration.Serial}): profile '{unknown.Registration.ProfileId}' is not a profile of this head-end; nothing was imported.");
            }

            var results = new List<ImportResultResponse>(file.Meters.Count);
            foreach (var entry in file.Meters)
            {
                var result = await provisioner.ImportAsync(entry.Registration, entry.Keys, actor, cancellationToken).ConfigureAwait(false);
                results.Add(ImportResultResponse.From(result));
            }

            // Consumers, transformers, feeders and locations (also of meters registered before), and transformers' meters.
            await new ProvisioningTopology(meters, transformers, audit).ApplyAsync(file, actor, cancellationToken).ConfigureAwait(false);

            return TypedResults.Ok(new ImportReportResponse(
                results.Count(r => r.Outcome == ProvisioningOutcome.Added),
                results.Count(r => r.Outcome == ProvisioningOutcome.Skipped),
                results.Count(r => r.Outcome == ProvisioningOutcome.Refused),
                results));
        }
    }
}
