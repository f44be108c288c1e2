// Allocation and time per call of the hot-path code that runs for every event: parsing and validating the body,
// building the outbox entry, and mapping an entry to Meta and PostHog. Run: dotnet run -c Release --project bench/Micro
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Meta;
using Tracking.PostHog;
using Tracking.Sessions;

BenchmarkSwitcher.FromAssembly(typeof(HotPath).Assembly).Run(args);

[MemoryDiagnoser]
public class HotPath
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"sessionId":"aVBgWYxQvr4ZB27VxUnYp0lXVt8","event":"VideoProgress","url":"https://film.example/watch","properties":{"content":"trailer_30s","percent":50}}""");
    private static readonly ClientContext Client = new("203.0.113.7", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "US");
    private static readonly Dictionary<string, string> Session = new()
    {
        ["visitor_id"] = "_lc56HRyHGH-jEH6TcCKEw", ["country"] = "US", ["fbp"] = "fb.1.1700000000000.123", ["fbclid"] = "IwAR1234",
        ["fbclid_first_seen"] = "1795444580303", ["utm_source"] = "facebook", ["last_touch_source"] = "email", ["consent_marketing"] = "granted",
    };
    private static readonly MetaOptions Meta = new() { PixelId = "1", AccessToken = "x" };
    private OutboxEntry _entry = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (_, events, _) = EventValidator.Validate(Parse(), 50, DateTimeOffset.UtcNow);
        _entry = OutboxEntries.ForBrowserEvent("aVBgWYxQvr4ZB27VxUnYp0lXVt8", events[0], Client) with { VisitStart = 1795444580303 };
        _stored = JsonSerializer.Serialize(_entry, DeliveryJson.Default.OutboxEntry);
    }

    private static EventsRequest Parse() => JsonSerializer.Deserialize(Body, EventsJson.Default.EventsRequest)!;

    [Benchmark(Description = "parse body (source-generated JSON)")]
    public EventsRequest ParseBody() => Parse();

    [Benchmark(Description = "parse + validate + member JSON")]
    public int Validate() => EventValidator.Validate(Parse(), 50, DateTimeOffset.UtcNow).Events.Count;

    [Benchmark(Description = "outbox entry JSON")]
    public string OutboxEntry()
    {
        var (_, events, _) = EventValidator.Validate(Parse(), 50, DateTimeOffset.UtcNow);
        return JsonSerializer.Serialize(OutboxEntries.ForBrowserEvent("aVBgWYxQvr4ZB27VxUnYp0lXVt8", events[0], Client), DeliveryJson.Default.OutboxEntry);
    }

    // Every page load classifies its visitor's User-Agent (a browser, so every bot marker is searched for in vain).
    [Benchmark(Description = "classify a User-Agent (page load)")]
    public bool ClassifyUserAgent() => UserAgentClassifier.Classify(Client.UserAgent).IsBot;

    [Benchmark(Description = "map to Meta server event")]
    public MetaServerEvent MapMeta() => MetaMapper.Map(_entry, Session, Meta, Hashing.Sha256);

    [Benchmark(Description = "map to PostHog event")]
    public PostHogEvent MapPostHog() => PostHogMapper.Map(_entry, Session, PostHogMapper.PersonProperties(Session));

    // What the worker does per event and destination: read the stored entry, map it, write it into a request body.
    [Benchmark(Description = "drain, Meta: stored entry → request body")]
    public int DrainMeta()
    {
        var entry = JsonSerializer.Deserialize(_stored, DeliveryJson.Default.OutboxEntry)!;
        var body = new MetaEventsRequest([MetaMapper.Map(entry, Session, Meta, Hashing.Sha256)], "x", null);
        return JsonSerializer.SerializeToUtf8Bytes(body, MetaJson.Default.MetaEventsRequest).Length;
    }

    [Benchmark(Description = "drain, PostHog: stored entry → request body")]
    public int DrainPostHog()
    {
        var entry = JsonSerializer.Deserialize(_stored, DeliveryJson.Default.OutboxEntry)!;
        var body = new PostHogBatch("x", [PostHogMapper.Map(entry, Session, PostHogMapper.PersonProperties(Session))]);
        return JsonSerializer.SerializeToUtf8Bytes(body, PostHogJson.Default.PostHogBatch).Length;
    }

    private string _stored = "";
}
