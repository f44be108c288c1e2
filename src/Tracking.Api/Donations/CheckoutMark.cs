using System.Security.Cryptography;
using System.Text;

namespace Tracking.Donations;

/// <summary>
/// The mark that tells the Checkout Sessions this service created from every other one on the Stripe account (a
/// Payment Link lets its buyer set <c>client_reference_id</c>, so that field alone proves nothing). Written as
/// metadata <c>tracking_mark</c> = hex HMAC-SHA256(K, tracking session id), where K = HMAC-SHA256(Stripe__WebhookSecret,
/// "tracking-checkout-mark/v1"); only the service (and Stripe, which never sets it) has K, and only the account's
/// secret key can write metadata, so no buyer can forge or move a mark. The webhook records a Checkout Session only
/// when its mark verifies for the session it names.
/// Changing this derivation, or rolling Stripe__WebhookSecret, makes checkouts still open at that moment unverifiable
/// (they are acknowledged as not-ours and logged as a warning): the test helper derives it independently to pin it.
/// </summary>
internal sealed class CheckoutMark
{
    private const string Purpose = "tracking-checkout-mark/v1";
    private readonly byte[] _key;

    public CheckoutMark(string webhookSecret) =>
        _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhookSecret), Encoding.UTF8.GetBytes(Purpose));

    /// <summary>The mark of a Checkout Session created for this tracking session.</summary>
    public string For(string sessionId) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(sessionId)));

    /// <summary>True when <paramref name="mark"/> is the mark of <paramref name="sessionId"/> (compared in constant time).</summary>
    public bool Verifies(string sessionId, string? mark) =>
        mark is { Length: 64 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(sessionId)), Encoding.ASCII.GetBytes(mark));
}
