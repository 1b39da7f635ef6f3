namespace Meterline.Web.Tests;

/// <summary>
/// One node with a fleet of <see cref="Meters"/> meters — more than the default approval threshold of 10 — and one
/// Chromium, for <see cref="ApprovalTests"/>.
/// </summary>
public sealed class ApprovalFixture : SignedInUsersFixture
{
    public const int Meters = 12;

    private protected override Task<OperatorNode> StartNodeAsync() => OperatorNode.StartAsync(Meters, speed: 60);
}
