using System.Globalization;

namespace Meterline.HeadEnd.Commands;

/// <summary>A command's number, assigned by storage when it is created (from 1).</summary>
public readonly record struct CommandId(long Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
