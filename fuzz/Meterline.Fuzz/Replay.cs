namespace Meterline.Fuzz;

/// <summary>Runs saved inputs through a target once each and prints what escaped (the triage step of fuzz/run.sh).</summary>
internal static class Replay
{
    public static int Files(FuzzTarget target, IEnumerable<string> paths)
    {
        var findings = 0;
        foreach (var path in paths)
        {
            var input = File.ReadAllBytes(path);
            try
            {
                target.Run(input);
                Console.WriteLine($"ok\t{target.Name}\t{Convert.ToHexString(input)}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                findings++;
                var top = e.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
                Console.WriteLine($"finding\t{target.Name}\t{Convert.ToHexString(input)}\t{e.GetType().Name}: {e.Message}\t{top}");
            }
        }

        return findings == 0 ? 0 : 1;
    }
}
