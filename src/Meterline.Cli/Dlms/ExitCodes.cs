namespace Meterline.Cli.Dlms;

/// <summary>Exit codes of the `meterline dlms` commands.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Failed = 2;
    public const int Refused = 3;
}
