using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// Brings the registry's network fields up to a provisioning file after its meters were imported: a meter registered
/// earlier whose consumer, transformer, feeder or location the file now gives differently gets them (audited
/// <c>meter.topology-changed</c>), and a meter the file marks as a transformer's total (<c>transformerMeter</c>)
/// becomes that transformer's meter in <see cref="ITransformerMeterStore"/> (audited <c>transformer.meter-set</c>,
/// as the API's PUT is). A field the file leaves out is left as registered. Idempotent: importing the same file again
/// changes nothing and audits nothing. Meters the import refused (not registered) are passed over.
/// </summary>
public sealed class ProvisioningTopology(IMeterRepository meters, ITransformerMeterStore transformers, IAuditLog audit)
{
    public const string TopologyChangedAction = "meter.topology-changed";

    public const string TransformerMeterSetAction = "transformer.meter-set";

    /// <summary>Applies <paramref name="file"/>'s network fields; returns how many meters and transformers changed.</summary>
    public async Task<(int Meters, int Transformers)> ApplyAsync(ProvisioningFile file, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        int changedMeters = 0, changedTransformers = 0;
        foreach (var entry in file.Meters)
        {
            if (await meters.FindBySerialAsync(entry.Registration.Serial, cancellationToken).ConfigureAwait(false) is not { } meter
                || meter.SystemTitle != entry.Registration.SystemTitle)
            {
                continue;
            }

            var given = entry.Registration;
            var wanted = new MeterRegistration(
                meter.Serial, meter.SystemTitle, meter.ProfileId, given.ConsumerId ?? meter.ConsumerId, given.Location ?? meter.Location,
                given.TransformerId ?? meter.TransformerId, given.FeederId ?? meter.FeederId, meter.Endpoint, meter.SecurityLevel);
            if (wanted.ConsumerId != meter.ConsumerId || wanted.Location != meter.Location || wanted.TransformerId != meter.TransformerId
                || wanted.FeederId != meter.FeederId)
            {
                await audit.AppendAsync(actor, TopologyChangedAction, meter.Id.ToString(), new AuditDetail()
                    .Add("serial", meter.Serial).Add("consumer", wanted.ConsumerId ?? "none").Add("transformer", wanted.TransformerId ?? "none")
                    .Add("feeder", wanted.FeederId ?? "none").ToString(), cancellationToken).ConfigureAwait(false);
                await meters.UpdateRegistrationAsync(meter.Id, wanted, cancellationToken).ConfigureAwait(false);
                changedMeters++;
            }

            if (entry.TransformerMeter is { } transformer
                && await transformers.GetTransformerMeterAsync(transformer, cancellationToken).ConfigureAwait(false) != meter.Id)
            {
                await audit.AppendAsync(actor, TransformerMeterSetAction, "transformer:" + transformer, new AuditDetail()
                    .Add("meter", meter.Serial).ToString(), cancellationToken).ConfigureAwait(false);
                await transformers.SetTransformerMeterAsync(transformer, meter.Id, cancellationToken).ConfigureAwait(false);
                changedTransformers++;
            }
        }

        return (changedMeters, changedTransformers);
    }
}
