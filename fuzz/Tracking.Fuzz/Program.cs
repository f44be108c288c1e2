// Coverage-guided fuzz target (SharpFuzz + afl++): the request parsing and validation of every endpoint body and
// the Stripe event handling. An exception other than the ones the service turns into a 400 is a crash: a bug.
using System.Text;
using System.Text.Json;
using SharpFuzz;
using Tracking.Donations;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Sessions;

Fuzzer.OutOfProcess.Run(stream =>
{
    using var reader = new StreamReader(stream, Encoding.UTF8);
    var input = reader.ReadToEnd();
    FuzzTargets.Run(input);
});

internal static class FuzzTargets
{
    private static readonly CheckoutMark Mark = new("whsec_fuzz");

    public static void Run(string input)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
        Try(() =>
        {
            var events = JsonSerializer.Deserialize(input, EventsJson.Default.EventsRequest);
            if (events is not null)
            {
                EventValidator.Validate(events, 50, now);
            }
        });
        Try(() =>
        {
            var session = JsonSerializer.Deserialize(input, SessionsJson.Default.SessionRequest);
            if (session is not null && SessionValidator.Validate(session) is ({ } landing, { Any: false }))
            {
                SessionFields.ForNewSession("sid", "visitor", 1, session, landing, now.ToUnixTimeMilliseconds(), new ClientContext("127.0.0.1", "ua", "US"));
            }
        });
        Try(() => JsonSerializer.Deserialize(input, DonationsJson.Default.CheckoutRequest));
        StripeTry(() => StripeWebhookEvents.Describe(Stripe.EventUtility.ParseEvent(input, throwOnApiVersionMismatch: false), Mark));
    }

    // What the endpoints catch and answer 400 for.
    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (JsonException)
        {
        }
    }

    private static void StripeTry(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is Stripe.StripeException or JsonException or Newtonsoft.Json.JsonException or ArgumentException or InvalidOperationException)
        {
        }
    }
}
