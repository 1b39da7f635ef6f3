namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Reads the clear header of a secured APDU (system title, security control, invocation counter) — a few byte reads,
/// no allocation, no cryptography — so that the ingress guard can refuse unknown senders, replays and weak protection
/// before spending anything on them. Implemented by the protocol adapter. Thread-safe.
/// </summary>
public interface ISecuredApduInspector
{
    HeaderInspection Inspect(ReadOnlySpan<byte> apdu, out SecuredApduHeader header);
}
