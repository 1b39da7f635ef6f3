using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Every tariff of the utility and which consumer is billed on which: a meter is billed on the tariff assigned to its
/// <c>ConsumerId</c>, or on <see cref="DefaultTariffId"/> when its consumer has no assignment. A meter without a
/// consumer is not billed. Built by <see cref="TariffCatalogReader"/>, which checks every reference.
/// </summary>
public sealed class TariffCatalog
{
    public static readonly TariffCatalog Empty = new([], [], null);

    private readonly Dictionary<string, Tariff> _tariffs;
    private readonly Dictionary<string, TariffAssignment> _assignments;

    public TariffCatalog(IReadOnlyList<Tariff> tariffs, IReadOnlyList<TariffAssignment> assignments, string? defaultTariffId)
    {
        ArgumentNullException.ThrowIfNull(tariffs);
        ArgumentNullException.ThrowIfNull(assignments);
        Tariffs = tariffs;
        Assignments = assignments;
        DefaultTariffId = defaultTariffId;
        _tariffs = tariffs.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _assignments = assignments.ToDictionary(a => a.ConsumerId, StringComparer.Ordinal);
        if (defaultTariffId is not null && !_tariffs.ContainsKey(defaultTariffId))
        {
            throw new ArgumentException($"The default tariff '{defaultTariffId}' is not in the catalog.", nameof(defaultTariffId));
        }

        if (assignments.FirstOrDefault(a => !_tariffs.ContainsKey(a.TariffId)) is { } orphan)
        {
            throw new ArgumentException($"Consumer '{orphan.ConsumerId}' is assigned to unknown tariff '{orphan.TariffId}'.", nameof(assignments));
        }
    }

    public IReadOnlyList<Tariff> Tariffs { get; }

    public IReadOnlyList<TariffAssignment> Assignments { get; }

    public string? DefaultTariffId { get; }

    public Tariff? Find(string id) => _tariffs.GetValueOrDefault(id);

    /// <summary>The tariff a meter is billed on and its consumer's sanctioned load, or false when it is not billed.</summary>
    public bool TryResolve(Meter meter, out Tariff tariff, out decimal? sanctionedLoadKw)
    {
        ArgumentNullException.ThrowIfNull(meter);
        tariff = null!;
        sanctionedLoadKw = null;
        if (string.IsNullOrEmpty(meter.ConsumerId))
        {
            return false;
        }

        if (_assignments.TryGetValue(meter.ConsumerId, out var assignment))
        {
            tariff = _tariffs[assignment.TariffId];
            sanctionedLoadKw = assignment.SanctionedLoadKw;
            return true;
        }

        if (DefaultTariffId is not null)
        {
            tariff = _tariffs[DefaultTariffId];
            return true;
        }

        return false;
    }
}
