using Tracking.Edge;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>The signup use case on its own, against the real Redis.</summary>
public sealed class RecordSignupTests : IDisposable
{
    private static readonly ClientContext Client = new("203.0.113.7", ApiCalls.IphoneSafari, "US");
    private readonly TrackingApp _app = new(isolated: true);

    public void Dispose() => _app.Dispose();

    private RecordSignup UseCase => _app.Services.GetRequiredService<RecordSignup>();

    [Fact]
    public async Task A_signup_records_one_Lead_per_session_and_address()
    {
        var sid = (await _app.Browser().NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var first = await UseCase.RunAsync(new SignupRequest(sid, "Ada@Example.org"), Client, "https://film.example/join");
        var again = await UseCase.RunAsync(new SignupRequest(sid, " ada@example.org "), Client, null);

        Assert.Equal(SignupStatus.Recorded, first.Status);
        Assert.Equal(SignupStatus.Duplicate, again.Status);
        Assert.Equal(first.EventId, again.EventId);
        Assert.StartsWith("lead_", first.EventId, StringComparison.Ordinal);
        // A digest of the address, never the address: only lower-case hex follows the prefix.
        Assert.Matches("^lead_[0-9a-f]+$", first.EventId);
    }

    [Fact]
    public async Task A_signup_for_no_live_session_records_nothing()
    {
        var before = await RedisSnapshot.TakeAsync(_app);

        var result = await UseCase.RunAsync(new SignupRequest(Tracking.Storage.Ids.NewSessionId(), "ada@example.org"), Client, null);

        Assert.Equal(SignupStatus.UnknownSession, result.Status);
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
    }

    [Fact]
    public void Validation_names_a_missing_session_and_anything_that_is_not_an_address()
    {
        var errors = SignupValidator.Validate(new SignupRequest(null, "not-an-address", Url: "javascript:alert(1)"));

        var named = ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)errors.ToProblem().ProblemDetails).Errors.Keys;
        Assert.Equal(new[] { "email", "sessionId", "url" }, named.Order(StringComparer.Ordinal));
    }
}
