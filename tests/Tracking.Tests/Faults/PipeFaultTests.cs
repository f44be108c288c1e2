using System.IO.Pipelines;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// "InvalidOperationException: Writing is not allowed after writer was completed" (the Redis client's pipe completed
/// under a write when its connection dropped) reaching a real request: 503 problem with Retry-After, never 500. The
/// registered IDatabase is decorated to throw that very exception, raised by a completed System.IO.Pipelines pipe, on
/// one script call.
/// </summary>
public sealed class PipeFaultTests
{
    [Fact]
    public async Task A_completed_redis_pipe_under_a_write_is_answered_503_with_retry_after_and_the_next_request_is_stored()
    {
        var armed = new StrongBox<bool>();
        using var app = new TrackingApp(services: s => s.Replace(ServiceDescriptor.Singleton<IDatabase>(sp =>
            PipeFault.Wrap(sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), armed))));
        app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "the store's pipe is completed under a write on purpose");
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        armed.Value = true;
        var refused = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"e1"}""");
        Assert.False(armed.Value, "the fault was not reached: the request never called the store");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);

        // The client's retry (same event id) is stored.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"e1"}""")).StatusCode);
    }

    /// <summary>Forwards every call to the real database; the first script call after arming throws the pipe's own exception.</summary>
    public class PipeFault : DispatchProxy
    {
        private IDatabase _inner = null!;
        private StrongBox<bool> _armed = null!;

        public static IDatabase Wrap(IDatabase inner, StrongBox<bool> armed)
        {
            var proxy = Create<IDatabase, PipeFault>();
            var fault = (PipeFault)(object)proxy;
            (fault._inner, fault._armed) = (inner, armed);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IDatabase.ScriptEvaluateAsync) && _armed.Value)
            {
                _armed.Value = false;
                var pipe = new Pipe();
                pipe.Writer.Complete();
                pipe.Writer.GetMemory(1); // throws InvalidOperationException: Writing is not allowed after writer was completed.
            }
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
