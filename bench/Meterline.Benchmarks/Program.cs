using BenchmarkDotNet.Running;

namespace Meterline.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["sizes"])
        {
            SizeCheck.Print();
            return;
        }

        if (args is ["fleet", var count, ..] && int.TryParse(count, out var meters) && meters > 0)
        {
            FleetCapacity.Run(meters, args.Length > 2 && int.TryParse(args[2], out var days) && days > 0 ? days : 1);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
