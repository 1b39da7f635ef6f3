namespace Meterline.Dlms.Acse;

/// <summary>Association-result ::= INTEGER (Green Book ACSE ASN.1, AARE result [2]).</summary>
public enum AssociationResult
{
    Accepted = 0,
    RejectedPermanent = 1,
    RejectedTransient = 2,
}
