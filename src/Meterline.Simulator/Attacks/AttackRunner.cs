namespace Meterline.Simulator.Attacks;

/// <summary>Runs an attack with the transport registered for its target's scheme (see <see cref="AttackTransports"/>).</summary>
public sealed class AttackRunner
{
    private readonly Dictionary<string, IAttackTransport> _transports = new(StringComparer.OrdinalIgnoreCase);

    public AttackRunner(IEnumerable<IAttackTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(transports);
        foreach (var transport in transports)
        {
            if (!_transports.TryAdd(transport.Scheme, transport))
            {
                throw new ArgumentException($"Two attack transports for the scheme {transport.Scheme}.", nameof(transports));
            }
        }
    }

    /// <summary>A runner with every transport of <see cref="AttackTransports.Create"/>.</summary>
    public AttackRunner(TimeProvider? time = null)
        : this(AttackTransports.Create(time))
    {
    }

    /// <summary>The schemes that can be attacked.</summary>
    public IEnumerable<string> Schemes => _transports.Keys.Order(StringComparer.Ordinal);

    /// <summary>The transport for <paramref name="target"/>'s scheme that can run <paramref name="kind"/>; false with a reason when there is none.</summary>
    public bool TryGetTransport(Uri target, AttackKind kind, out IAttackTransport transport, out string? error)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!_transports.TryGetValue(target.Scheme, out transport!))
        {
            error = $"no attack transport for {target.Scheme}:// (known: {string.Join(", ", Schemes)})";
            return false;
        }

        error = transport.Supports(kind) ? null : $"{target.Scheme}:// has no {kind} attack";
        return error is null;
    }

    /// <summary>Runs <paramref name="options"/> with the transport of its target's scheme.</summary>
    /// <exception cref="ArgumentException">No transport for the scheme, or it cannot run the kind.</exception>
    public Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return TryGetTransport(options.Target, options.Kind, out var transport, out var error)
            ? transport.RunAsync(options, cancellationToken)
            : throw new ArgumentException(error, nameof(options));
    }
}
