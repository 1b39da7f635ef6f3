namespace Meterline.Zigbee.Emulator;

/// <summary>Draws the fate of frames under a <see cref="LinkModel"/>. Thread-safe.</summary>
internal sealed class Radio
{
    private readonly LinkModel _model;
    private readonly Lock _lock = new();
#pragma warning disable CA5394 // Models radio loss, not security: a seeded Random makes a lossy run repeatable.
    private readonly Random _random;

    public Radio(LinkModel model)
    {
        _model = model;
        _random = new Random(model.Seed);
    }

    public LinkModel Model => _model;

    public RadioOutcome Transmit(int payloadBytes)
    {
        var perAttempt = (_model.PerHopDelay
            + TimeSpan.FromSeconds((payloadBytes + _model.OverheadBytes) * 8.0 / _model.AirRateBitsPerSecond)) * _model.Hops;
        lock (_lock)
        {
            for (var attempt = 1; attempt <= _model.MacRetries + 1; attempt++)
            {
                if (!Lost())
                {
                    var acknowledged = _random.NextDouble() >= _model.TransmitStatusFailureRate;
                    return new RadioOutcome(true, attempt, perAttempt * attempt, acknowledged);
                }
            }

            return new RadioOutcome(false, _model.MacRetries + 1, perAttempt * (_model.MacRetries + 1), false);
        }
    }

    /// <summary>One attempt across every hop.</summary>
    private bool Lost()
    {
        for (var hop = 0; hop < _model.Hops; hop++)
        {
            if (_model.LossRate > 0 && _random.NextDouble() < _model.LossRate)
            {
                return true;
            }
        }

        return false;
    }
#pragma warning restore CA5394
}
