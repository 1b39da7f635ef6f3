namespace Meterline.Web.Portal;

/// <summary>The portal's top-up form as posted: amount and payment reference as typed, and the form's idempotency key.</summary>
public sealed class PortalTopUpForm
{
    public string? Amount { get; set; }

    public string? Reference { get; set; }

    /// <summary>Made when the form was drawn; a form posted twice (a reload, a double click) tops up once.</summary>
    public string? Key { get; set; }
}
