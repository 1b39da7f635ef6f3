namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Student's t distribution with a whole number of degrees of freedom (sans-I/O), for the few-sample tests of the
/// energy balance (<see cref="SameHoursTest"/>). Closed forms in θ = atan(t / √ν) (Abramowitz and Stegun 26.7.3–4):
/// P(|T| &lt; t) = 2θ/π for ν = 1; (2/π)(θ + sin θ cos θ · (1 + 2/3 cos²θ + 2·4/(3·5) cos⁴θ + … up to cos^(ν−3)θ)) for
/// odd ν; sin θ · (1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + … up to cos^(ν−2)θ) for even ν.
/// </summary>
public static class StudentT
{
    /// <summary>Degrees of freedom handled at most (the series has ν / 2 terms).</summary>
    public const int MaxDegreesOfFreedom = 1_000;

    /// <summary>P(T ≥ <paramref name="t"/>) for T with <paramref name="degreesOfFreedom"/> (1 to <see cref="MaxDegreesOfFreedom"/>) degrees of freedom.</summary>
    public static double UpperTail(double t, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degreesOfFreedom, MaxDegreesOfFreedom);
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        if (t < 0)
        {
            return 1 - UpperTail(-t, degreesOfFreedom);
        }

        if (double.IsPositiveInfinity(t))
        {
            return 0;
        }

        var nu = degreesOfFreedom;
        var theta = Math.Atan(t / Math.Sqrt(nu));
        var (sin, cos) = (Math.Sin(theta), Math.Cos(theta));
        var cos2 = cos * cos;
        double within;
        if (nu % 2 == 1)
        {
            var series = 0.0;
            if (nu > 1)
            {
                var term = 1.0;
                series = 1;
                for (var k = 2; k <= nu - 3; k += 2)
                {
                    term *= cos2 * k / (k + 1);
                    series += term;
                }
            }

            within = 2 / Math.PI * (theta + (sin * cos * series));
        }
        else
        {
            var (term, series) = (1.0, 1.0);
            for (var k = 1; k <= nu - 3; k += 2)
            {
                term *= cos2 * k / (k + 1);
                series += term;
            }

            within = sin * series;
        }

        return Math.Clamp((1 - within) / 2, 0, 1);
    }
}
