using System.Text.Json;

namespace Tracking.Privacy;

/// <param name="Refunds">What Stripe took back from the donation (refunds and disputes as recorded), when anything was.</param>
public sealed record ConversionExport(string Day, JsonElement Record, JsonElement? Path, JsonElement? Refunds = null);
