using Stripe;
using Stripe.Checkout;
using Tracking.Storage;

namespace Tracking.Donations;

internal static partial class StripePaymentMethod
{
    /// <summary>
    /// The method Stripe actually used (<c>card</c>, <c>link</c>, <c>sepa_debit</c>…): the type of the PaymentIntent's
    /// PaymentMethod (the Checkout Session lists only the methods offered). Unknown, never an error, when Stripe does
    /// not answer within a few seconds: the payment is recorded without it.
    /// </summary>
    public static async Task<string?> ReadAsync(IStripeClient stripe, Session checkout, ILogger logger, CancellationToken aborted)
    {
        var intentId = checkout.PaymentIntentId;
        if (string.IsNullOrEmpty(intentId) || !Ids.IsSafe(intentId, 255))
        {
            return null;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var intent = await new PaymentIntentService(stripe).GetAsync(
                intentId, new PaymentIntentGetOptions { Expand = ["payment_method"] }, cancellationToken: timeout.Token);
            var type = intent.PaymentMethod?.Type;
            return type is { Length: > 0 and <= 64 } && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') ? type : null;
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            Log.PaymentMethodUnknown(logger, ex.GetType().Name);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The payment method of a paid checkout could not be read from Stripe ({Kind}); recorded without it")]
        public static partial void PaymentMethodUnknown(ILogger logger, string kind);
    }
}
