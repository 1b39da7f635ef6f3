namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Prefix sums of a consumer's series x, the residual r and the consumers' total T over a window, so that any span's
/// partial (co)variations of x and r net of a level and a slope on T come in O(1) (sans-I/O; <see cref="HiddenSpanSearch"/>).
/// </summary>
internal sealed class SpanSums
{
    private readonly double[] _x, _r, _t, _xx, _rr, _tt, _xr, _xt, _rt;

    public SpanSums(double[] x, double[] r, double[] total)
    {
        var m = x.Length;
        (_x, _r, _t) = (new double[m + 1], new double[m + 1], new double[m + 1]);
        (_xx, _rr, _tt) = (new double[m + 1], new double[m + 1], new double[m + 1]);
        (_xr, _xt, _rt) = (new double[m + 1], new double[m + 1], new double[m + 1]);
        for (var i = 0; i < m; i++)
        {
            _x[i + 1] = _x[i] + x[i];
            _r[i + 1] = _r[i] + r[i];
            _t[i + 1] = _t[i] + total[i];
            _xx[i + 1] = _xx[i] + (x[i] * x[i]);
            _rr[i + 1] = _rr[i] + (r[i] * r[i]);
            _tt[i + 1] = _tt[i] + (total[i] * total[i]);
            _xr[i + 1] = _xr[i] + (x[i] * r[i]);
            _xt[i + 1] = _xt[i] + (x[i] * total[i]);
            _rt[i + 1] = _rt[i] + (r[i] * total[i]);
        }
    }

    /// <summary>Over [from, to): x's and r's variation and their covariation, each net of a level and a slope on T.</summary>
    public (double Sxx, double Sxr, double Srr) Partial(int from, int to)
    {
        var n = to - from;
        var (sx, sr, st) = (_x[to] - _x[from], _r[to] - _r[from], _t[to] - _t[from]);
        var sxx = _xx[to] - _xx[from] - (sx * sx / n);
        var srr = _rr[to] - _rr[from] - (sr * sr / n);
        var stt = _tt[to] - _tt[from] - (st * st / n);
        var sxr = _xr[to] - _xr[from] - (sx * sr / n);
        var sxt = _xt[to] - _xt[from] - (sx * st / n);
        var srt = _rt[to] - _rt[from] - (sr * st / n);
        if (stt <= 1e-12)
        {
            return (sxx, sxr, srr);
        }

        return (sxx - (sxt * sxt / stt), sxr - (sxt * srt / stt), srr - (srt * srt / stt));
    }

    /// <summary>The partial correlation of x and r over [from, to) given a level and T (0 when either is flat).</summary>
    public double PartialCorrelation(int from, int to)
    {
        var (sxx, sxr, srr) = Partial(from, to);
        return sxx <= 1e-12 || srr <= 1e-12 ? 0 : sxr / Math.Sqrt(sxx * srr);
    }
}
