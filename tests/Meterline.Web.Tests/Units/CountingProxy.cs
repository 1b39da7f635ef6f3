using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Meterline.Web.Tests.Units;

/// <summary>Passes every call to the real component and counts the calls by method name (an instrument, not a fake).</summary>
public class CountingProxy<T> : DispatchProxy
    where T : class
{
    private T _inner = null!;

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static (T Proxy, CountingProxy<T> Counter) Wrap(T inner)
    {
        var proxy = Create<T, CountingProxy<T>>();
        var counter = (CountingProxy<T>)(object)proxy;
        counter._inner = inner;
        return (proxy, counter);
    }

    public int Count(string method) => Calls.TryGetValue(method, out var n) ? n : 0;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
