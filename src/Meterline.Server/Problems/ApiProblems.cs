namespace Meterline.Server.Problems;

/// <summary>Every cause of an API error, with its status, stable type and title (docs/api.md lists them).</summary>
public static class ApiProblems
{
    /// <summary>The request could not be read: malformed JSON, a missing or malformed field or query parameter.</summary>
    public static readonly ApiProblem BadRequest = new("bad-request", StatusCodes.Status400BadRequest, "Bad request");

    /// <summary>pageSize out of range, or a pageToken / after this server did not give.</summary>
    public static readonly ApiProblem InvalidPaging = new("invalid-paging", StatusCodes.Status400BadRequest, "Invalid paging");

    /// <summary>No meter has that serial or id.</summary>
    public static readonly ApiProblem UnknownMeter = new("unknown-meter", StatusCodes.Status404NotFound, "Unknown meter");

    /// <summary>No group load limit has that id.</summary>
    public static readonly ApiProblem UnknownDemandLimit = new("unknown-demand-limit", StatusCodes.Status404NotFound, "Unknown demand limit");

    /// <summary>A group load limit's target is missing or malformed, or reaches no meter (DemandLimitRejection).</summary>
    public static readonly ApiProblem InvalidDemandTarget = new("invalid-demand-target", StatusCodes.Status400BadRequest, "Invalid demand limit target");

    /// <summary>A group load limit reaches more meters than the node allows (DemandLimitRejection.GroupTooLarge).</summary>
    public static readonly ApiProblem DemandGroupTooLarge = new("demand-group-too-large", StatusCodes.Status422UnprocessableEntity, "Demand limit group too large");

    /// <summary>No confirmed limiter settings are known for the meter.</summary>
    public static readonly ApiProblem NoLimiterSettings = new("no-limiter-settings", StatusCodes.Status404NotFound, "No confirmed limiter settings");

    /// <summary>No command has that id.</summary>
    public static readonly ApiProblem UnknownCommand = new("unknown-command", StatusCodes.Status404NotFound, "Unknown command");

    /// <summary>The command's parameters are missing, malformed or out of range (CommandRejection.InvalidParameters).</summary>
    public static readonly ApiProblem InvalidParameters = new("invalid-parameters", StatusCodes.Status400BadRequest, "Invalid command parameters");

    /// <summary>The command's kind, not-before time or idempotency key is missing or malformed (CommandRejection.InvalidRequest).</summary>
    public static readonly ApiProblem InvalidCommand = new("invalid-command", StatusCodes.Status400BadRequest, "Invalid command request");

    /// <summary>The meter's keys are compromised: only a key rotation may be sent (CommandRejection.KeysCompromised).</summary>
    public static readonly ApiProblem KeysCompromised = new("keys-compromised", StatusCodes.Status409Conflict, "Meter keys compromised");

    /// <summary>The meter has no endpoint, so no command can reach it (CommandRejection.NoEndpoint).</summary>
    public static readonly ApiProblem NoEndpoint = new("no-endpoint", StatusCodes.Status409Conflict, "Meter has no endpoint");

    /// <summary>The idempotency key was used before for a different command (CommandRejection.IdempotencyKeyReused).</summary>
    public static readonly ApiProblem IdempotencyKeyReused = new("idempotency-key-reused", StatusCodes.Status409Conflict, "Idempotency key reused");

    /// <summary>A key rotation of the meter is already under way (CommandRejection.KeyRotationInProgress).</summary>
    public static readonly ApiProblem KeyRotationInProgress = new("key-rotation-in-progress", StatusCodes.Status409Conflict, "Key rotation in progress");

    /// <summary>The command is no longer Requested, so it cannot be cancelled.</summary>
    public static readonly ApiProblem CommandNotCancellable = new("command-not-cancellable", StatusCodes.Status409Conflict, "Command cannot be cancelled");

    /// <summary>No alert has that id.</summary>
    public static readonly ApiProblem UnknownAlert = new("unknown-alert", StatusCodes.Status404NotFound, "Unknown alert");

    /// <summary>The alert's state does not allow the change (acknowledging one not open, closing one closed).</summary>
    public static readonly ApiProblem AlertStateConflict = new("alert-state-conflict", StatusCodes.Status409Conflict, "Alert state does not allow this");

    /// <summary>No meter is set as the transformer's meter, so it has no balance.</summary>
    public static readonly ApiProblem UnknownTransformer = new("unknown-transformer", StatusCodes.Status404NotFound, "Unknown transformer");

    /// <summary>No outage has that id.</summary>
    public static readonly ApiProblem UnknownOutage = new("unknown-outage", StatusCodes.Status404NotFound, "Unknown outage");

    /// <summary>A meter registration field is missing or malformed, or names a profile the head-end does not have.</summary>
    public static readonly ApiProblem InvalidRegistration = new("invalid-registration", StatusCodes.Status400BadRequest, "Invalid meter registration");

    /// <summary>The provisioner refused the meter (serial or system title taken, keys refused); nothing changed.</summary>
    public static readonly ApiProblem MeterRefused = new("meter-refused", StatusCodes.Status409Conflict, "Meter refused");

    /// <summary>The provisioning file is not valid; nothing was imported.</summary>
    public static readonly ApiProblem InvalidProvisioningFile = new("invalid-provisioning-file", StatusCodes.Status400BadRequest, "Invalid provisioning file");

    /// <summary>The request body is larger than the endpoint accepts.</summary>
    public static readonly ApiProblem PayloadTooLarge = new("payload-too-large", StatusCodes.Status413PayloadTooLarge, "Request body too large");

    /// <summary>The body is not JSON (Content-Type).</summary>
    public static readonly ApiProblem UnsupportedMediaType = new("unsupported-media-type", StatusCodes.Status415UnsupportedMediaType, "Unsupported media type");

    /// <summary>An audit verification is already running; try again when it ends.</summary>
    public static readonly ApiProblem VerificationBusy = new("verification-busy", StatusCodes.Status429TooManyRequests, "Audit verification already running");

    /// <summary>No endpoint has that path.</summary>
    public static readonly ApiProblem NotFound = new("not-found", StatusCodes.Status404NotFound, "Not found");

    /// <summary>The path exists but not with that method.</summary>
    public static readonly ApiProblem MethodNotAllowed = new("method-not-allowed", StatusCodes.Status405MethodNotAllowed, "Method not allowed");

    /// <summary>The server failed; the log says why.</summary>
    public static readonly ApiProblem InternalError = new("internal-error", StatusCodes.Status500InternalServerError, "Internal server error");

    /// <summary>The problem a status code stands for when the framework (routing, binding, an unhandled exception) answers.</summary>
    public static ApiProblem ForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        >= 500 => InternalError,
        _ => BadRequest,
    };

    /// <summary>
    /// Gives the framework's own problems (a route not found, a binding failure, an unhandled exception) the stable
    /// type and title of their status, so that every error of the API has a <c>urn:meterline:problem:</c> type.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Type is { } type && type.StartsWith(ApiProblem.TypePrefix, StringComparison.Ordinal))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var known = ForStatus(status);
        problem.Type = known.Type;
        problem.Title ??= known.Title;
    }
}
