using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracking.Events;

/// <summary>Sorted-set members of server-recorded events (InitiateCheckout, Purchase, failed/expired checkouts, Lead).</summary>
internal static class ServerEventMember
{
    public static string Write(string name, string eventId, long timestamp, decimal value, string currency, string checkoutSessionId, string? checkoutType = null, string? paymentMethod = null) =>
        Write(name, eventId, timestamp, writer =>
        {
            writer.WriteNumber("value", value);
            writer.WriteString("currency", currency);
            if (checkoutType is not null)
            {
                writer.WriteString("checkout_type", checkoutType);
            }
            if (paymentMethod is not null)
            {
                writer.WriteString("payment_method", paymentMethod);
            }
            writer.WriteString("checkout_session_id", checkoutSessionId);
        });

    /// <summary>The Lead of an e-mail signup (the seed's <c>FormSubmit {step: "email_capture"}</c>); the address is never in it.</summary>
    public static string Lead(string eventId, long timestamp) =>
        Write(EventNames.Lead, eventId, timestamp, writer => writer.WriteString("step", "email_capture"));

    // The seed's flat JSON shape: our own fields first, then the event's.
    private static string Write(string name, string eventId, long timestamp, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", name);
            writer.WriteString("eventId", eventId);
            writer.WriteNumber("timestamp", timestamp);
            fields(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
