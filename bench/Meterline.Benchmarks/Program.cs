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

        if (args is ["push-decode", ..])
        {
            var decodeMeters = args.Length > 1 && int.TryParse(args[1], out var dm) && dm is > 0 and <= 100_000 ? dm : 1_000;
            var decodeRounds = args.Length > 2 && int.TryParse(args[2], out var dr) && dr is > 0 and <= 100 ? dr : 5;
            PushDecodeCost.Run(decodeMeters, decodeRounds);
            return;
        }

        if (args is ["zigbee", ..])
        {
            var radios = args.Length > 1 && int.TryParse(args[1], out var m) && m is > 0 and <= 1000 ? m : 10;
            var seconds = args.Length > 2 && int.TryParse(args[2], out var s) && s is > 0 and <= 3600 ? s : 20;
            Zigbee.ZigbeeRadioBenchmark.Run(radios, seconds);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
