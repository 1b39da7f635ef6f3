namespace Meterline.Web.Shell;

/// <summary>The role a page needs to be shown (see <see cref="OperatorRole"/>); every routable page declares one.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresRoleAttribute(OperatorRole role) : Attribute
{
    public OperatorRole Role { get; } = role;
}
