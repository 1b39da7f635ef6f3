using Meterline.Server.Problems;

namespace Meterline.Server.Portal;

/// <summary>The problems of the consumer portal's API (docs/api.md).</summary>
public static class PortalProblems
{
    /// <summary>The node does not take consumers' own top-ups (<c>meterline serve --consumer-top-ups</c> is off).</summary>
    public static readonly ApiProblem TopUpOff = new("consumer-top-up-off", StatusCodes.Status403Forbidden, "Consumer top-ups off");
}
