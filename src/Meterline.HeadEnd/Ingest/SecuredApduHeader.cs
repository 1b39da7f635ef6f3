using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The clear outer fields of a secured APDU, read without decrypting: who claims to send it, its invocation counter
/// and how it says it is protected. Nothing here is trusted until the authentication tag verifies.
/// </summary>
public readonly record struct SecuredApduHeader(MeterSystemTitle SystemTitle, uint InvocationCounter, bool IsAuthenticated, bool IsEncrypted);
