using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.PostHog;

/// <summary>
/// One property of a PostHog event as it will be written: text, a flag, an amount, or a JSON value the event
/// carried from the browser. Written directly by its converter: a <see cref="JsonElement"/> per text would cost a
/// JsonDocument apiece, about ten per event, the largest share of the drain's JSON and GC time.
/// </summary>
[JsonConverter(typeof(PostHogValueConverter))]
public readonly struct PostHogValue
{
    private enum Kind : byte { Json, Text, Flag, Amount }

    private readonly Kind _kind;
    private readonly string? _text;
    private readonly JsonElement _json;
    private readonly decimal _amount;

    private PostHogValue(Kind kind, string? text = null, JsonElement json = default, decimal amount = 0)
    {
        _kind = kind;
        _text = text;
        _json = json;
        _amount = amount;
    }

    public static readonly PostHogValue True = new(Kind.Flag);

    public static implicit operator PostHogValue(string text) => new(Kind.Text, text);

    public static implicit operator PostHogValue(JsonElement json) => new(Kind.Json, json: json);

    public static implicit operator PostHogValue(decimal amount) => new(Kind.Amount, amount: amount);

    internal void WriteTo(Utf8JsonWriter writer)
    {
        switch (_kind)
        {
            case Kind.Text: writer.WriteStringValue(_text); break;
            case Kind.Flag: writer.WriteBooleanValue(true); break;
            case Kind.Amount: writer.WriteNumberValue(_amount); break;
            default: _json.WriteTo(writer); break;
        }
    }
}

/// <summary>Writes a <see cref="PostHogValue"/>; PostHog bodies are only ever written, never read back into these.</summary>
internal sealed class PostHogValueConverter : JsonConverter<PostHogValue>
{
    public override PostHogValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, PostHogValue value, JsonSerializerOptions options) => value.WriteTo(writer);
}
