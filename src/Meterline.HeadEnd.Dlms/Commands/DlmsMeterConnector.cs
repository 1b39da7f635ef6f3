using Meterline.Dlms;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Links;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// Opens utility-settings associations (client SAP 48, HLS-GMAC mechanism 5, LN referencing with ciphering,
/// authenticated and encrypted both ways, requests as general-glo-ciphering) with meters, with the meter's keys of its
/// current generation from the <see cref="IMeterKeyring"/>. The link under each association is opened by the first
/// <see cref="IDlmsLinkOpener"/> that accepts the meter's endpoint: by default only <see cref="TcpWrapperLinkOpener"/>
/// (<c>dlms+tcp://host:port?wport=N</c>, TCP and the IEC 62056-47 wrapper); the Zigbee openers add <c>zigbee://</c>
/// and <c>zigbee+gw://</c>. For a meter whose security level is
/// <see cref="SecurityLevel.AuthenticatedEncryptedSigned"/>, SET and ACTION requests are also signed with the head-end's
/// key (<see cref="DlmsMeterConnectorOptions.Signer"/>, <see cref="GeneralSigningLink"/>).
/// <para>
/// The head-end's outgoing invocation counter: before a session starts, a block of
/// <see cref="DlmsMeterConnectorOptions.CounterBlockSize"/> values is reserved durably for (meter, key generation) —
/// through <see cref="OutgoingCounterAllocator.ReserveBlockAsync"/> when the connector was given an allocator (which
/// audits and raises the near-exhaustion alarm), else through <see cref="ICounterStore.ReserveAsync"/> — and the
/// session's counter may hand out values inside that block only (<see cref="ReservedCounterBlock"/>). Sessions in a
/// row, and sessions after a restart, start at the next block, so the meter (which requires every client counter to be
/// greater than the last) never sees a value twice; a crash wastes the rest of a block, never reuses one. A counter
/// with no block left fails the session (not transient): the meter's keys must be rotated. For the same reason sessions
/// with one meter never overlap: a second <see cref="OpenAsync"/> for a meter waits until the first session is disposed
/// (<see cref="MeterSessionGate"/>), else the older session's next request would carry a counter below the newer
/// session's and be refused.
/// </para>
/// </summary>
public sealed class DlmsMeterConnector : IMeterConnector
{
    private readonly IMeterKeyring _keyring;
    private readonly ICounterStore? _counters;
    private readonly OutgoingCounterAllocator? _allocator;
    private readonly DlmsMeterConnectorOptions _options;
    private readonly IDlmsLinkOpener[] _openers;
    private readonly MeterSessionGate _gate = new();

    /// <summary>A connector reaching <c>dlms+tcp</c> endpoints only, reserving counter blocks from the store directly.</summary>
    public DlmsMeterConnector(IMeterKeyring keyring, ICounterStore counters, DlmsMeterConnectorOptions options)
        : this(keyring, counters, options, null)
    {
    }

    /// <summary>A connector reaching the endpoints its <paramref name="openers"/> open (asked in order; null: TCP only), reserving counter blocks from the store directly.</summary>
    public DlmsMeterConnector(IMeterKeyring keyring, ICounterStore counters, DlmsMeterConnectorOptions options, IEnumerable<IDlmsLinkOpener>? openers)
        : this(keyring, options, openers)
    {
        ArgumentNullException.ThrowIfNull(counters);
        _counters = counters;
    }

    /// <summary>
    /// A connector reaching the endpoints its <paramref name="openers"/> open (asked in order; null: TCP only),
    /// reserving counter blocks through <paramref name="allocator"/> (audited near-exhaustion alarm).
    /// </summary>
    public DlmsMeterConnector(IMeterKeyring keyring, OutgoingCounterAllocator allocator, DlmsMeterConnectorOptions options, IEnumerable<IDlmsLinkOpener>? openers)
        : this(keyring, options, openers)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        _allocator = allocator;
    }

    private DlmsMeterConnector(IMeterKeyring keyring, DlmsMeterConnectorOptions options, IEnumerable<IDlmsLinkOpener>? openers)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CounterBlockSize, 16u);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.CounterBlockSize, 1_000_000u);
        _keyring = keyring;
        _options = options;
        _openers = openers is null ? [new TcpWrapperLinkOpener(options.ConnectTimeout, options.TimeProvider)] : [.. openers];
        if (_openers.Length == 0 || Array.Exists(_openers, o => o is null))
        {
            throw new ArgumentException("At least one link opener, and no null one, is needed.", nameof(openers));
        }
    }

    /// <summary>The link openers, in the order they are asked.</summary>
    public IReadOnlyList<IDlmsLinkOpener> Openers => _openers;

    public bool CanReach(MeterEndpoint endpoint) => endpoint is not null && FindOpener(endpoint) is not null;

    public async Task<IMeterSession> OpenAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Endpoint is not { } endpoint || FindOpener(endpoint) is not { } opener)
        {
            throw new MeterCommunicationException($"Meter {meter.Serial} has no endpoint this connector reaches ({meter.Endpoint?.ToString() ?? "none"})", refused: false, isTransient: false);
        }

        if (!_options.Profiles.TryGetValue(meter.ProfileId, out var profile))
        {
            throw new MeterCommunicationException($"Meter {meter.Serial}: unknown profile {meter.ProfileId}", refused: false, isTransient: false);
        }

        var association = profile.Associations.FirstOrDefault(a => a.Id == _options.AssociationId && a.Ciphered && a.Mechanism == AuthenticationMechanism.HighGmac)
            ?? throw new MeterCommunicationException($"Profile {profile.Id} has no ciphered HLS-GMAC association \"{_options.AssociationId}\"", refused: false, isTransient: false);

        var sign = Signing(meter);
        AssociationKeys keys;
        byte[] master;
        using (var secrets = await _keyring.GetSecretsAsync(meter.Id, meter.KeyGeneration, cancellationToken).ConfigureAwait(false))
        {
            if (secrets is null)
            {
                throw new MeterCommunicationException($"No keys of generation {meter.KeyGeneration} are stored for meter {meter.Serial}", refused: false, isTransient: false);
            }

            keys = new AssociationKeys(_options.SystemTitle, CipherKey.FromBytes(secrets.Encryption), CipherKey.FromBytes(secrets.Authentication));
            master = secrets.Master.ToArray();
        }

        IDisposable? turn = null;
        try
        {
            turn = await _gate.EnterAsync(meter.Id, cancellationToken).ConfigureAwait(false);
            var first = await ReserveCountersAsync(meter, cancellationToken).ConfigureAwait(false);
            var block = new ReservedCounterBlock(first, _options.CounterBlockSize);
            var counter = new OutgoingInvocationCounter(block.First, block, _options.CounterBlockSize);
            var settings = new ClientAssociationSettings
            {
                ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering,
                Mechanism = AuthenticationMechanism.HighGmac,
                ExpectedServerSystemTitle = new SystemTitle(meter.SystemTitle.Value),
                // General-signing is general protection too.
                ProposedConformance = ClientAssociationSettings.DefaultConformance | (_options.UseGeneralGloCiphering || sign is not null ? Conformance.GeneralProtection : 0),
            };
            var session = await ConnectAsync(opener, endpoint, association.ClientSap, new ClientAssociation(settings, keys, counter), sign, cancellationToken).ConfigureAwait(false);
            return new DlmsMeterSession(session, profile, association, master, turn, _options.TimeProvider);
        }
        catch
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(master);
            turn?.Dispose();
            throw;
        }
    }

    private IDlmsLinkOpener? FindOpener(MeterEndpoint endpoint) => Array.Find(_openers, o => o.CanOpen(endpoint));

    /// <summary>The decorator that signs the meter's requests, or null when its security level does not ask for signatures.</summary>
    private Func<IApduLink, IApduLink>? Signing(Meter meter)
    {
        if (meter.SecurityLevel != SecurityLevel.AuthenticatedEncryptedSigned)
        {
            return null;
        }

        if (_options.Signer is not { } source)
        {
            throw new MeterCommunicationException($"Meter {meter.Serial} takes signed commands, and this connector has no signing key", refused: false, isTransient: false);
        }

        IHesSigner signer;
        try
        {
            signer = source();
        }
        catch (KeyProviderException e)
        {
            throw new MeterCommunicationException($"Meter {meter.Serial} takes signed commands, and the head-end's signing key is unavailable: {e.Message}", refused: false, isTransient: false, e);
        }

        var recipient = new SystemTitle(meter.SystemTitle.Value);
        var generation = checked((uint)meter.KeyGeneration);
        return inner => new GeneralSigningLink(inner, signer, _options.SystemTitle, recipient, generation, _options.UseGeneralGloCiphering);
    }

    private async Task<uint> ReserveCountersAsync(Meter meter, CancellationToken cancellationToken)
    {
        try
        {
            if (_allocator is not null)
            {
                var block = await _allocator.ReserveBlockAsync(meter.Id, meter.KeyGeneration, _options.CounterBlockSize, cancellationToken).ConfigureAwait(false);
                return block.First;
            }

            return await _counters!.ReserveAsync(meter.Id, meter.KeyGeneration, _options.CounterBlockSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CounterExhaustedException or InvalidOperationException)
        {
            throw new MeterCommunicationException($"Meter {meter.Serial}: no invocation counter block is left for key generation {meter.KeyGeneration}; rotate its keys ({e.Message})", refused: false, isTransient: false, e);
        }
    }

    private async Task<DlmsClient> ConnectAsync(IDlmsLinkOpener opener, MeterEndpoint endpoint, int clientSap, ClientAssociation association, Func<IApduLink, IApduLink>? sign, CancellationToken cancellationToken)
    {
        IApduLink? link = null;
        DlmsClient? client = null;
        var owned = true;
        try
        {
            link = await opener.OpenAsync(endpoint, (ushort)clientSap, cancellationToken).ConfigureAwait(false);
            if (_options.UseGeneralGloCiphering)
            {
                link = new GeneralGloCipheringLink(link, _options.SystemTitle);
            }

            if (sign is not null)
            {
                link = sign(link);
            }

            client = DlmsClient.Create(link, association, new DlmsClientOptions { RequestTimeout = _options.RequestTimeout, Clock = _options.TimeProvider });
            link = null;
            var outcome = await client.AssociateAsync(cancellationToken).ConfigureAwait(false);
            if (!outcome.IsAssociated)
            {
                throw new MeterCommunicationException($"The meter refused the association ({outcome.Result}, {outcome.Diagnostic})", refused: true, isTransient: false);
            }

            owned = false;
            return client;
        }
        catch (DlmsException e)
        {
            throw DlmsFailures.From(e);
        }
        finally
        {
            if (owned && client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            else if (owned)
            {
                association.Dispose();
            }

            if (link is not null)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
