namespace Meterline.Dlms.Acse;

/// <summary>
/// The alternatives of the xDLMS ServiceError CHOICE (Green Book xDLMS ASN.1). Tag 8 (change-scope) is commented
/// out in the standard and is not accepted.
/// </summary>
public enum ServiceErrorKind : byte
{
    /// <summary>application-reference [0], see <see cref="ApplicationReferenceError"/>.</summary>
    ApplicationReference = 0,

    /// <summary>hardware-resource [1], see <see cref="HardwareResourceError"/>.</summary>
    HardwareResource = 1,

    /// <summary>vde-state-error [2], see <see cref="VdeStateError"/>.</summary>
    VdeStateError = 2,

    /// <summary>service [3], see <see cref="ServiceHandlingError"/>.</summary>
    Service = 3,

    /// <summary>definition [4], see <see cref="DefinitionError"/>.</summary>
    Definition = 4,

    /// <summary>access [5], see <see cref="AccessError"/>.</summary>
    Access = 5,

    /// <summary>initiate [6], see <see cref="InitiateError"/>.</summary>
    Initiate = 6,

    /// <summary>load-data-set [7], see <see cref="LoadDataSetError"/>.</summary>
    LoadDataSet = 7,

    /// <summary>task [9], see <see cref="TaskError"/>.</summary>
    Task = 9,

    /// <summary>other [10]: a value the standard does not enumerate.</summary>
    Other = 10,
}
