using System.Net.Security;

namespace Meterline.Northbound.Amqp;

/// <summary>Where and how the northbound publisher connects (docs/northbound.md, "Broker setup" and "TLS").</summary>
public sealed record AmqpPublisherOptions
{
    public const string DefaultExchange = "meterline.events";

    /// <summary>
    /// <c>amqp://user@host:5672/vhost</c> or <c>amqps://user@host:5671/vhost</c> (TLS). A password in the URI is
    /// refused: it comes from <see cref="Password"/> (an environment variable at the command line).
    /// </summary>
    public required Uri Uri { get; init; }

    /// <summary>The user's password; never logged or shown.</summary>
    public string? Password { get; init; }

    /// <summary>The durable topic exchange declared at connect.</summary>
    public string Exchange { get; init; } = DefaultExchange;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a round waits for every confirm before it gives up on the connection (a blocked broker, a dead peer).</summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The connection's name in the broker's management view.</summary>
    public string ClientName { get; init; } = "meterline-northbound";

    /// <summary>
    /// For amqps: the server certificate check (null: <see cref="CaCertificatePath"/>'s CA, or else the system's trust
    /// store, and the host name must match).
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>For amqps: a PEM file of the CA(s) the broker's certificate must chain to instead of the system's trust store.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>For amqps with mutual TLS: the node's client certificate, PEM (with <see cref="ClientKeyPath"/>) or PKCS#12 without a password.</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>The PEM private key of a PEM <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>The URI without its user information, for logs and messages.</summary>
    public string SafeUri => new UriBuilder(Uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Uri);
        if (Uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"The AMQP URI must be amqp:// or amqps://, not {Uri.Scheme}://.");
        }

        if (Uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The AMQP URI must not hold a password: give it in an environment variable (--amqp-password-env).");
        }

        if (string.IsNullOrWhiteSpace(Exchange) || Exchange.Length > 255)
        {
            throw new ArgumentException("The AMQP exchange name must be 1 to 255 characters.");
        }

        if ((CaCertificatePath is not null || ClientCertificatePath is not null) && Uri.Scheme != "amqps")
        {
            throw new ArgumentException("A CA or client certificate needs an amqps:// URI.");
        }

        if (CaCertificatePath is not null && CertificateValidation is not null)
        {
            throw new ArgumentException("Give either a CA file or a certificate validation callback, not both.");
        }

        if (ClientKeyPath is not null && ClientCertificatePath is null)
        {
            throw new ArgumentException("A client key needs its client certificate.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConfirmTimeout, TimeSpan.Zero);
    }
}
