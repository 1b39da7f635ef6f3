using Meterline.Server.Problems;

namespace Meterline.Server.Portal;

/// <summary>The problems of the consumer portal's API (docs/api.md).</summary>
public static class PortalProblems
{
    /// <summary>
    /// The node does not take consumers' own top-ups (<c>meterline serve --consumer-top-ups</c> is off): a state of the
    /// node, not an access refusal (403 stays the access layer's).
    /// </summary>
    public static readonly ApiProblem TopUpOff = new("consumer-top-up-off", StatusCodes.Status409Conflict, "Consumer top-ups off");
}
