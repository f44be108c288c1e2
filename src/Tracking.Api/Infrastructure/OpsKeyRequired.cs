namespace Tracking.Infrastructure;

/// <summary>Marks endpoints behind the ops key (the OpenAPI document gives them the bearer scheme).</summary>
internal sealed class OpsKeyRequired;
