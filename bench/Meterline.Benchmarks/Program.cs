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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
