namespace Tracking.Infrastructure;

/// <summary>
/// The PostHog distinct ids this service itself gives people. A browser claims its posthog-js id; if it could claim
/// one of these it would write into (and, on erasure, delete) a person it does not own, since anyone can compute
/// <c>email:{sha256}</c>. So every namespace is listed here, and a claimed id inside one is refused.
/// </summary>
internal static class PersonIds
{
    /// <summary>A person identified by an e-mail address Stripe verified (the payer's).</summary>
    public const string EmailNamespace = "email:";

    /// <summary>Every prefix of an id the service issues; a new kind of identified person adds its prefix here.</summary>
    public static readonly IReadOnlyList<string> Namespaces = [EmailNamespace];

    /// <summary>The id of the person who paid with the e-mail whose <see cref="Hashing.Email"/> is <paramref name="emailHash"/>.</summary>
    public static string Email(string emailHash) => EmailNamespace + emailHash;

    /// <summary>
    /// Whether <paramref name="distinctId"/> lies in one of <see cref="Namespaces"/>, in any case and after any
    /// leading white space, so that no spelling PostHog or a later reader might fold onto ours gets through.
    /// </summary>
    public static bool IsOwn(string? distinctId)
    {
        var id = distinctId.AsSpan().TrimStart();
        foreach (var prefix in Namespaces)
        {
            if (id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public static string Rule => $"Must not start with {string.Join(", ", Namespaces.Select(n => $"'{n}'"))}: ids there are the service's own.";
}
