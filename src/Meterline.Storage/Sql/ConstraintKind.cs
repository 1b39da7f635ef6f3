namespace Meterline.Storage.Sql;

/// <summary>Which integrity rule a failed statement broke, as the engines report it.</summary>
internal enum ConstraintKind
{
    None = 0,
    Unique = 1,
    ForeignKey = 2,
}
