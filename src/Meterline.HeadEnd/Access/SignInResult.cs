namespace Meterline.HeadEnd.Access;

/// <summary>A sign-in's outcome and, when it succeeded, the user.</summary>
public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User)
{
    public bool Succeeded => Outcome == SignInOutcome.Succeeded;
}
