using System.Security.Claims;

namespace Meterline.Server.Access;

/// <summary>The answer of <see cref="SessionSignIn.SignInAsync"/>: the outcome, the session's principal when signed in, and when to retry when rate limited.</summary>
public sealed record SessionSignInResult(SessionSignInOutcome Outcome, ClaimsPrincipal? Principal, TimeSpan RetryAfter);
