using Stripe;
using Tracking.Storage;

namespace Tracking.Donations;

internal static partial class SubscriptionPayments
{
    /// <summary>
    /// The PaymentIntent that paid an invoice, so a refund or dispute of that payment can be matched to the donation.
    /// The webhook's invoice lists its <c>payments</c> only when expanded, so Stripe is asked (invoice payments of the
    /// invoice); unknown, never an error, when Stripe does not answer within a few seconds.
    /// </summary>
    public static async Task<string?> PaymentIntentAsync(IStripeClient stripe, Invoice invoice, ILogger logger, CancellationToken aborted)
    {
        var listed = invoice.Payments?.Data;
        try
        {
            if (listed is null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                listed = (await new InvoicePaymentService(stripe).ListAsync(
                    new InvoicePaymentListOptions { Invoice = invoice.Id, Limit = 10 }, cancellationToken: timeout.Token)).Data;
            }
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            Log.PaymentUnknown(logger, ex.GetType().Name);
            return null;
        }
        var intent = listed?.FirstOrDefault(p => p.Status == "paid")?.Payment?.PaymentIntentId;
        return intent is not null && Ids.IsSafe(intent, 255) ? intent : null;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The payment of a renewal invoice could not be read from Stripe ({Kind}); recorded without it")]
        public static partial void PaymentUnknown(ILogger logger, string kind);
    }
}
