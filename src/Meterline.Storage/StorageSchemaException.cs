namespace Meterline.Storage;

/// <summary>
/// The database's schema cannot be used by this build: it was migrated by a newer Meterline, or its migration history
/// differs from the scripts this build carries.
/// </summary>
public sealed class StorageSchemaException : Exception
{
    public StorageSchemaException()
    {
    }

    public StorageSchemaException(string message)
        : base(message)
    {
    }

    public StorageSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
