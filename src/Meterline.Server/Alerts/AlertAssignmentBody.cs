namespace Meterline.Server.Alerts;

/// <summary>The body of <c>POST /api/alerts/{id}/assign</c>: who works on the alert (null or empty: nobody).</summary>
public sealed record AlertAssignmentBody(string? Assignee);
