using Meterline.Dlms.Security;

namespace Meterline.Benchmarks;

/// <summary>`dotnet run -c Release --project bench/Meterline.Benchmarks -- sizes` prints the payload sizes benchmarked.</summary>
internal static class SizeCheck
{
    public static void Print()
    {
        using var cipher = new AesGcmCipher(CipherKey.Generate(), CipherKey.Generate());
        var push = BenchmarkData.UsagePush(1).ToArray();
        var ciphered = GeneralGloCiphering.Protect(cipher, SecurityControl.AuthenticatedEncryption, new SystemTitle(0x4D4D4D0000000001UL), 1, push).ToArray();
        Console.WriteLine($"DataNotification push: {push.Length} bytes plain, {ciphered.Length} bytes as general-glo-ciphering (A+E)");
        Console.WriteLine($"GET-Response with 96 load profile entries: {BenchmarkData.DayOfLoadProfile().ToArray().Length} bytes");
    }
}
