using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>The donation a Stripe payment paid: its session, the day its conversion record is kept under, its id there.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record PaymentLink(string SessionId, string Day, string DonationId);

/// <summary>
/// Payment → donation: how a refund or a dispute, which name only a PaymentIntent and a Charge, finds the donation it
/// takes money back from. Written by <see cref="LinkAsync"/> right after a donation's conversion record is durable,
/// for every donation record (a Checkout Session's payment, a renewal's invoice payment), and again on a redelivery
/// (idempotent). Its own key, because the payment id is all a refund knows (so a separate command, not the recording
/// script: another slot). Holds ids only, and lives as long as conversion records.
/// </summary>
internal sealed class PaymentLinks(IDatabase db, IOptions<RetentionOptions> retention)
{
    /// <summary>Links each non-empty <paramref name="paymentIds"/> (a PaymentIntent id, a Charge id) to the donation.</summary>
    public async Task LinkAsync(PaymentLink donation, params string?[] paymentIds)
    {
        var ids = paymentIds.Where(id => !string.IsNullOrEmpty(id) && Ids.IsSafe(id, 255)).Select(id => id!).ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var json = JsonSerializer.Serialize(donation, DonationsJson.Default.PaymentLink);
        var ttl = TimeSpan.FromSeconds(retention.Value.Seconds);
        await Task.WhenAll(ids.Select(id => db.StringSetAsync(Keys.PaymentLink(id), json, ttl)));
        await ReplicaAck.WrittenAsync(db, ids.Select(id => (RedisKey)Keys.PaymentLink(id)));
    }

    /// <summary>The donation the first linked id paid, or null when none is linked (a payment this service did not create).</summary>
    public async Task<PaymentLink?> FindAsync(params string?[] paymentIds)
    {
        foreach (var id in paymentIds.Where(id => !string.IsNullOrEmpty(id) && Ids.IsSafe(id, 255)))
        {
            if (await db.StringGetAsync(Keys.PaymentLink(id!)) is { IsNullOrEmpty: false } json)
            {
                var link = JsonSerializer.Deserialize((string)json!, DonationsJson.Default.PaymentLink);
                if (link is not null && Ids.IsSessionId(link.SessionId))
                {
                    return link;
                }
            }
        }
        return null;
    }
}
