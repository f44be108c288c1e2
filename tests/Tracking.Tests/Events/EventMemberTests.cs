using System.Text.Json;
using Tracking.Events;

namespace Tracking.Tests.Events;

/// <summary>How a validated event is stored, apart from its validation.</summary>
public sealed class EventMemberTests
{
    [Fact]
    public void A_PageView_member_keeps_our_fields_first_adds_its_path_and_utm_source_and_drops_nulls()
    {
        var props = new Dictionary<string, JsonElement>
        {
            ["event"] = JsonSerializer.SerializeToElement("Forged"),
            ["page"] = JsonSerializer.SerializeToElement("/elsewhere"),
            ["plan"] = JsonSerializer.SerializeToElement("monthly"),
            ["gone"] = JsonSerializer.SerializeToElement<string?>(null),
        };

        var member = EventMember.Write("PageView", "ev_1", 1_700_000_000_000, "https://film.example/watch?utm_source=facebook", props);

        Assert.Equal(
            """{"event":"PageView","eventId":"ev_1","timestamp":1700000000000,"url":"https://film.example/watch?utm_source=facebook","page":"/watch","utm_source":"facebook","plan":"monthly"}""",
            member);
    }
}
