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
/// authenticated and encrypted both ways, requests as general-glo-ciphering) with meters at
/// <c>dlms+tcp://host:port?wport=N</c> endpoints, over TCP and the IEC 62056-47 wrapper, with the meter's keys of its
/// current generation from the <see cref="IMeterKeyring"/>.
/// <para>
/// The head-end's outgoing invocation counter: before a session starts, a block of
/// <see cref="DlmsMeterConnectorOptions.CounterBlockSize"/> values is reserved durably through
/// <see cref="ICounterStore.ReserveAsync"/> for (meter, key generation), and the session's counter may hand out values
/// inside that block only (<see cref="ReservedCounterBlock"/>). Sessions in a row, and sessions after a restart, start
/// at the next block, so the meter (which requires every client counter to be greater than the last) never sees a value
/// twice; a crash wastes the rest of a block, never reuses one. For the same reason sessions with one meter never
/// overlap: a second <see cref="OpenAsync"/> for a meter waits until the first session is disposed
/// (<see cref="MeterSessionGate"/>), else the older session's next request would carry a counter below the newer
/// session's and be refused.
/// </para>
/// </summary>
public sealed class DlmsMeterConnector : IMeterConnector
{
    private readonly IMeterKeyring _keyring;
    private readonly ICounterStore _counters;
    private readonly DlmsMeterConnectorOptions _options;
    private readonly MeterSessionGate _gate = new();

    public DlmsMeterConnector(IMeterKeyring keyring, ICounterStore counters, DlmsMeterConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CounterBlockSize, 16u);
        _keyring = keyring;
        _counters = counters;
        _options = options;
    }

    public bool CanReach(MeterEndpoint endpoint) => endpoint is not null && DlmsEndpoint.TryParse(endpoint, out _);

    public async Task<IMeterSession> OpenAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Endpoint is null || !DlmsEndpoint.TryParse(meter.Endpoint, out var endpoint))
        {
            throw new MeterCommunicationException($"Meter {meter.Serial} has no dlms+tcp endpoint", refused: false, isTransient: false);
        }

        if (!_options.Profiles.TryGetValue(meter.ProfileId, out var profile))
        {
            throw new MeterCommunicationException($"Meter {meter.Serial}: unknown profile {meter.ProfileId}", refused: false, isTransient: false);
        }

        var association = profile.Associations.FirstOrDefault(a => a.Id == _options.AssociationId && a.Ciphered && a.Mechanism == AuthenticationMechanism.HighGmac)
            ?? throw new MeterCommunicationException($"Profile {profile.Id} has no ciphered HLS-GMAC association \"{_options.AssociationId}\"", refused: false, isTransient: false);

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
            var first = await _counters.ReserveAsync(meter.Id, meter.KeyGeneration, _options.CounterBlockSize, cancellationToken).ConfigureAwait(false);
            var block = new ReservedCounterBlock(first, _options.CounterBlockSize);
            var counter = new OutgoingInvocationCounter(block.First, block, _options.CounterBlockSize);
            var settings = new ClientAssociationSettings
            {
                ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering,
                Mechanism = AuthenticationMechanism.HighGmac,
                ExpectedServerSystemTitle = new SystemTitle(meter.SystemTitle.Value),
                ProposedConformance = ClientAssociationSettings.DefaultConformance | (_options.UseGeneralGloCiphering ? Conformance.GeneralProtection : 0),
            };
            var session = await ConnectAsync(endpoint, association.ClientSap, new ClientAssociation(settings, keys, counter), cancellationToken).ConfigureAwait(false);
            return new DlmsMeterSession(session, profile, association, master, turn, _options.TimeProvider);
        }
        catch
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(master);
            turn?.Dispose();
            throw;
        }
    }

    private async Task<DlmsClient> ConnectAsync(DlmsEndpoint endpoint, int clientSap, ClientAssociation association, CancellationToken cancellationToken)
    {
        StreamDuplexPipe? pipe = null;
        DlmsClient? client = null;
        var owned = true;
        try
        {
            pipe = await TcpTransport.ConnectAsync(endpoint.Host, endpoint.Port, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            IApduLink link = WrapperLink.Start(pipe, (ushort)clientSap, endpoint.WPort, clock: _options.TimeProvider);
            if (_options.UseGeneralGloCiphering)
            {
                link = new GeneralGloCipheringLink(link, _options.SystemTitle);
            }

            client = DlmsClient.Create(new PipeOwningLink(link, pipe), association, new DlmsClientOptions { RequestTimeout = _options.RequestTimeout, Clock = _options.TimeProvider });
            pipe = null;
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

            if (pipe is not null)
            {
                await pipe.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
