namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Least squares of a transformer's interval loss on its consumers' registered energy (sans-I/O):
/// <c>loss_t = a + Σ_j γ_j · x_jt</c>, with a free intercept a (no-load loss) and one coefficient γ_j per consumer j.
/// Technical loss grows with everyone's load, so every honest consumer's γ is the technical-loss factor c (≈ 0.03) plus
/// noise; c is estimated as the median γ (most consumers are honest). A meter that hides a share s of its true load adds
/// <c>(1 + c) · s / (1 − s) · x_jt</c> to the loss (the hidden energy and the technical loss on it), so
/// <c>β_j = (γ_j − c) / (1 + c)</c> estimates s / (1 − s) and <c>β / (1 + β)</c> the share. The x_j need not be
/// independent, only not exactly collinear: a tiny ridge (<see cref="Ridge"/> of each one's own variation) keeps the
/// solve defined. Negative β (a meter whose registration drops while the loss rises: not a proportional tap) are
/// reported as 0. Solved exactly (Cholesky of the centred Gram matrix); bounded by the caller: the matrix is n², n the
/// consumers, and each partial R² is one more solve.
/// </summary>
public static class HiddenShareRegression
{
    public const double Ridge = 1e-6;

    /// <summary>
    /// Fits <paramref name="loss"/> (m intervals) on <paramref name="consumers"/> (n series of m values each), and for the
    /// <paramref name="maxExplained"/> largest positive β the share of the loss's remaining variation each consumer
    /// explains (its partial R²: 1 − RSS(fit) / RSS(fit without it)); null with fewer intervals than
    /// <paramref name="minIntervals"/> (or than consumers + 2) or no variation in the loss.
    /// </summary>
    public static HiddenShareFit? Fit(IReadOnlyList<double> loss, IReadOnlyList<double[]> consumers, int minIntervals, int maxExplained)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(consumers);
        var m = loss.Count;
        var n = consumers.Count;
        if (n == 0 || m < Math.Max(n + 2, minIntervals) || consumers.Any(c => c.Length != m))
        {
            return null;
        }

        var columns = consumers.Select(Centre).ToArray();
        var y = Centre([.. loss]);
        var total = Dot(y, y);
        if (total <= 1e-12)
        {
            return null;
        }

        var gram = new double[n, n];
        var b = new double[n];
        for (var i = 0; i < n; i++)
        {
            b[i] = Dot(columns[i], y);
            for (var k = i; k < n; k++)
            {
                gram[i, k] = gram[k, i] = Dot(columns[i], columns[k]);
            }
        }

        var gamma = Solve(gram, b, excluded: -1);
        var rss = Residual(gram, b, gamma, total);
        var technical = Median(gamma);
        var beta = gamma.Select(g => (g - technical) / (1 + technical)).ToArray();
        var explained = new double?[n];
        foreach (var j in Enumerable.Range(0, n).Where(j => beta[j] > 0).OrderByDescending(j => beta[j]).Take(Math.Max(0, maxExplained)))
        {
            var without = Solve(gram, b, excluded: j);
            var rssWithout = Residual(gram, b, without, total);
            explained[j] = rssWithout <= 1e-12 ? 0 : Math.Clamp(1 - (rss / rssWithout), 0, 1);
        }

        return new HiddenShareFit(technical, [.. beta.Select(x => Math.Max(0, x))], explained, rss, total, m);
    }

    /// <summary>θ = (G + Ridge · diag G)⁻¹ b by Cholesky, with coordinate <paramref name="excluded"/> (if ≥ 0) held at 0.</summary>
    private static double[] Solve(double[,] gram, double[] b, int excluded)
    {
        var size = b.Length;
        var index = Enumerable.Range(0, size).Where(k => k != excluded).ToArray();
        var n = index.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k <= i; k++)
            {
                var sum = gram[index[i], index[k]];
                if (i == k)
                {
                    sum += Ridge * gram[index[i], index[i]];
                }

                for (var p = 0; p < k; p++)
                {
                    sum -= l[i, p] * l[k, p];
                }

                l[i, k] = i == k ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[k, k];
            }
        }

        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[index[i]];
            for (var p = 0; p < i; p++)
            {
                sum -= l[i, p] * z[p];
            }

            z[i] = sum / l[i, i];
        }

        var theta = new double[size];
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var p = i + 1; p < n; p++)
            {
                sum -= l[p, i] * x[p];
            }

            x[i] = sum / l[i, i];
            theta[index[i]] = x[i];
        }

        return theta;
    }

    /// <summary>RSS = yᵀy − 2θᵀb + θᵀGθ.</summary>
    private static double Residual(double[,] gram, double[] b, double[] theta, double total)
    {
        var rss = total;
        for (var i = 0; i < theta.Length; i++)
        {
            rss -= 2 * theta[i] * b[i];
            for (var k = 0; k < theta.Length; k++)
            {
                rss += theta[i] * gram[i, k] * theta[k];
            }
        }

        return Math.Max(0, rss);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double[] Centre(double[] values)
    {
        var mean = values.Length == 0 ? 0 : values.Average();
        return [.. values.Select(v => v - mean)];
    }

    private static double Dot(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
