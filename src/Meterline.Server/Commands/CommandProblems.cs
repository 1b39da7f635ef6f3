using Meterline.HeadEnd.Commands;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Commands;

/// <summary>The problem of each <see cref="CommandRejection"/>.</summary>
public static class CommandProblems
{
    public static ApiProblem For(CommandRejection reason) => reason switch
    {
        CommandRejection.UnknownMeter => ApiProblems.UnknownMeter,
        CommandRejection.KeysCompromised => ApiProblems.KeysCompromised,
        CommandRejection.InvalidParameters => ApiProblems.InvalidParameters,
        CommandRejection.NoEndpoint => ApiProblems.NoEndpoint,
        CommandRejection.IdempotencyKeyReused => ApiProblems.IdempotencyKeyReused,
        CommandRejection.KeyRotationInProgress => ApiProblems.KeyRotationInProgress,
        _ => ApiProblems.InvalidCommand,
    };

    public static ProblemHttpResult From(CommandRejectedException rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return For(rejection.Reason).Result(rejection.Message);
    }
}
