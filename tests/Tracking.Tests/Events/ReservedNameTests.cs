using System.Reflection;
using Tracking.Events;
using Tracking.Meta;
using Tracking.PostHog;

namespace Tracking.Tests.Events;

/// <summary>
/// The reserved-name list lives in Events (the destinations depend on Events, not the reverse), so this test ties it
/// to the mappers: every name Meta or PostHog is sent for one of our events is either reserved (a browser cannot post
/// it) or one of the journey names a browser posts under exactly that name.
/// </summary>
public sealed class ReservedNameTests
{
    /// <summary>Every event name the service knows (the constants of EventNames).</summary>
    private static string[] Names() => typeof(EventNames).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    public static TheoryData<string> OurEvents() => new(Names());

    private static IEnumerable<string> DestinationNames(string ours) =>
        new[] { MetaMapper.EventName(ours, new MetaOptions()), MetaMapper.EventName(ours, new MetaOptions { DonationEventName = "Donate" }), PostHogMapper.EventName(ours) }.OfType<string>();

    [Theory]
    [MemberData(nameof(OurEvents))]
    public void Every_name_a_destination_receives_is_reserved_or_a_journey_name(string ours)
    {
        var serverEvent = EventNames.IsReserved(ours);
        foreach (var sent in DestinationNames(ours))
        {
            // A server event's destination names are all refused; a browser event's are its exact journey names or refused.
            Assert.True(EventNames.IsReserved(sent) || (!serverEvent && EventNames.JourneyNames.Contains(sent, StringComparer.Ordinal)),
                $"{ours} reaches a destination as '{sent}', which a browser could post itself: add it to EventNames' reserved list");
        }
    }

    [Fact]
    public void The_server_events_are_reserved_and_the_journey_events_are_not()
    {
        Assert.All([EventNames.Purchase, EventNames.InitiateCheckout, EventNames.DonationFailed, EventNames.CheckoutExpired], n => Assert.True(EventNames.IsReserved(n), n));
        Assert.All(EventNames.JourneyNames, n => Assert.False(EventNames.IsReserved(n), n));
        // A new event name must be one or the other: a journey name the browser posts, or a server event it may not.
        Assert.All(Names(), n => Assert.True(EventNames.JourneyNames.Contains(n, StringComparer.Ordinal) || EventNames.IsReserved(n), n));
    }
}
