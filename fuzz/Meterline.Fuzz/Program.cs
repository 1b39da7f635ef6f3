using Meterline.Fuzz;
using SharpFuzz;

// meterline-fuzz list | run TARGET | replay TARGET FILE... | seed DIRECTORY | assemblies TARGET
// run is started by afl-fuzz (fuzz/run.sh); replay runs inputs once and reports each (exit 1 when one is a finding).
if (args.Length == 0)
{
    return Usage();
}

switch (args[0])
{
    case "list":
        foreach (var t in FuzzTargets.All)
        {
            Console.WriteLine($"{t.Name,-12} {t.Description}");
        }

        return 0;
    case "assemblies" when args.Length == 2 && FuzzTargets.Find(args[1]) is { } target:
        Console.WriteLine(string.Join(' ', target.Assemblies));
        return 0;
    case "run" when args.Length == 2 && FuzzTargets.Find(args[1]) is { } target:
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    case "replay" when args.Length >= 3 && FuzzTargets.Find(args[1]) is { } target:
        return Replay.Files(target, args.Skip(2));
    case "seed" when args.Length == 2:
        SeedCorpus.Write(args[1]);
        return 0;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: Meterline.Fuzz list | run TARGET | replay TARGET FILE... | seed DIRECTORY | assemblies TARGET");
    return 2;
}
