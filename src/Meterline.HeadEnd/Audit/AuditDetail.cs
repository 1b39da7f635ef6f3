using System.Text;
using System.Text.Json;

namespace Meterline.HeadEnd.Audit;

/// <summary>Builds the JSON detail of an audit entry from named numbers and strings (never give it a secret).</summary>
public sealed class AuditDetail
{
    private readonly List<KeyValuePair<string, object>> _fields = [];

    public AuditDetail Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _fields.Add(new(name, value));
        return this;
    }

    public AuditDetail Add(string name, long value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _fields.Add(new(name, value));
        return this;
    }

    public override string ToString()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                if (value is long number)
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, (string)value);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
