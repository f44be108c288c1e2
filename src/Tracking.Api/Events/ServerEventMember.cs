using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracking.Events;

/// <summary>Sorted-set members of server-recorded money events (InitiateCheckout, Purchase, failed/expired checkouts).</summary>
internal static class ServerEventMember
{
    public static string Write(string name, string eventId, long timestamp, decimal value, string currency, string checkoutSessionId, string? checkoutType = null, string? paymentMethod = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", name);
            writer.WriteString("eventId", eventId);
            writer.WriteNumber("timestamp", timestamp);
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
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
