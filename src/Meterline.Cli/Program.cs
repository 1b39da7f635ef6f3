using System.CommandLine;
using Meterline.Cli.Access;
using Meterline.Cli.Audit;
using Meterline.Cli.Cmd;
using Meterline.Cli.Dlms;
using Meterline.Cli.Gateway;
using Meterline.Cli.Meters;
using Meterline.Cli.Serve;
using Meterline.Cli.Sim;

namespace Meterline.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        BuildRootCommand(Console.Out, Console.Error).Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });

    /// <summary>The command tree; output goes to the given writers so that tests can run it in process.</summary>
    public static RootCommand BuildRootCommand(TextWriter output, TextWriter error) =>
        new("Meterline: an open Advanced Metering Infrastructure head-end, meter simulator and DLMS/COSEM toolkit")
        {
            DlmsCommand.Create(output, error),
            SimCommand.Create(output, error),
            GatewayCommand.Create(output, error),
            ServeCommand.Create(output, error),
            Demo.DemoCommand.Create(output, error),
            MetersCommand.Create(output, error), CmdCommand.Create(output, error), AuditCommand.Create(output, error), Bills.BillsCommand.Create(output, error),
            Mqtt.MqttCommand.Create(output, error),
            Detection.DetectionReportCommand.Create(output, error),
            UsersCommand.Create(output, error), TokensCommand.Create(output, error),
            Approvals.ApprovalsCommand.Create(output, error),
            LoadLimits.LoadLimitsCommand.Create(output, error),
            Prepaid.PrepaidCommand.Create(output, error),
        };
}
