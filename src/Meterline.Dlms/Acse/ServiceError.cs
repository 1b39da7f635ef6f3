namespace Meterline.Dlms.Acse;

/// <summary>
/// xDLMS ServiceError ::= CHOICE (Green Book xDLMS ASN.1): which kind of error, and the ENUMERATED value of that
/// alternative. A-XDR encodes it as two octets, the choice tag and the value. Values the standard does not list are
/// carried as they are (the other [10] alternative lists none).
/// </summary>
public readonly record struct ServiceError(ServiceErrorKind Kind, byte Value)
{
    public static ServiceError FromApplicationReference(ApplicationReferenceError error) => new(ServiceErrorKind.ApplicationReference, (byte)error);

    public static ServiceError FromHardwareResource(HardwareResourceError error) => new(ServiceErrorKind.HardwareResource, (byte)error);

    public static ServiceError FromVdeState(VdeStateError error) => new(ServiceErrorKind.VdeStateError, (byte)error);

    public static ServiceError FromService(ServiceHandlingError error) => new(ServiceErrorKind.Service, (byte)error);

    public static ServiceError FromDefinition(DefinitionError error) => new(ServiceErrorKind.Definition, (byte)error);

    public static ServiceError FromAccess(AccessError error) => new(ServiceErrorKind.Access, (byte)error);

    public static ServiceError FromInitiate(InitiateError error) => new(ServiceErrorKind.Initiate, (byte)error);

    public static ServiceError FromLoadDataSet(LoadDataSetError error) => new(ServiceErrorKind.LoadDataSet, (byte)error);

    public static ServiceError FromTask(TaskError error) => new(ServiceErrorKind.Task, (byte)error);

    /// <summary>The value with its enumeration name where the standard gives one.</summary>
    public override string ToString()
    {
        object value = Kind switch
        {
            ServiceErrorKind.ApplicationReference => (ApplicationReferenceError)Value,
            ServiceErrorKind.HardwareResource => (HardwareResourceError)Value,
            ServiceErrorKind.VdeStateError => (VdeStateError)Value,
            ServiceErrorKind.Service => (ServiceHandlingError)Value,
            ServiceErrorKind.Definition => (DefinitionError)Value,
            ServiceErrorKind.Access => (AccessError)Value,
            ServiceErrorKind.Initiate => (InitiateError)Value,
            ServiceErrorKind.LoadDataSet => (LoadDataSetError)Value,
            ServiceErrorKind.Task => (TaskError)Value,
            _ => Value,
        };
        return $"{Kind}: {value}";
    }
}
