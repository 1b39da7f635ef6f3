using System.Globalization;

namespace Meterline.LoadHarness;

/// <summary>The machine's load averages (<c>/proc/loadavg</c>), printed with every figure: the machine is shared.</summary>
internal static class SystemLoad
{
    public static string Now()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return string.Create(CultureInfo.InvariantCulture, $"load average {fields[0]}, {fields[1]}, {fields[2]}");
        }
        catch (IOException)
        {
            return "load average unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "load average unknown";
        }
    }

    /// <summary>The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets of the machine), or -1.</summary>
    public static long UdpReceiveBufferErrors()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
            if (lines.Length < 2)
            {
                return -1;
            }

            var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var index = Array.IndexOf(names, "RcvbufErrors");
            return index > 0 && index < values.Length ? long.Parse(values[index], CultureInfo.InvariantCulture) : -1;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
