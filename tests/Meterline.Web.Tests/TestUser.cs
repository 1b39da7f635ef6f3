using Meterline.HeadEnd.Access;

namespace Meterline.Web.Tests;

/// <summary>A user the test node creates, with a random password made for the run.</summary>
internal sealed record TestUser(string Name, string Password, AccessRole Role, string? ConsumerId = null);
