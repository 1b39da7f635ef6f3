namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>Polls a condition until it holds; the test's own token bounds the wait (the assertions after it say what is missing).</summary>
internal static class Until
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        return true;
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan bound, CancellationToken cancellationToken) =>
        TrueAsync(() => Task.FromResult(condition()), bound, cancellationToken);
}
