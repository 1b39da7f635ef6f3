namespace Meterline.Web.Tests;

/// <summary>
/// One node whose prepaid adjustments above <see cref="Threshold"/> wait for a second admin, and one Chromium, for
/// <see cref="AdjustmentApprovalTests"/>.
/// </summary>
public sealed class AdjustmentFixture : SignedInUsersFixture
{
    public const decimal Threshold = 1_000m;

    private protected override Task<OperatorNode> StartNodeAsync() =>
        OperatorNode.StartAsync(2, speed: 60,
            configure: o => o with { Prepaid = (o.Prepaid ?? new HeadEnd.Prepaid.PrepaidOptions()) with { AdjustmentApprovalThreshold = Threshold } });
}
