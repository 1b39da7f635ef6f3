namespace Meterline.Fuzz;

/// <summary>
/// One decoder under fuzz: <see cref="Run"/> feeds it an input and returns when the decoder accepted it or refused it
/// with its documented exception; any other exception escapes and is a finding. <see cref="Assemblies"/> are the
/// assemblies fuzz/run.sh instruments for coverage.
/// </summary>
internal sealed record FuzzTarget(string Name, string Description, IReadOnlyList<string> Assemblies, Action<byte[]> Run);
