using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// The service hosted in-process against the real test Redis, with per-test settings. Meta, PostHog and Stripe are
/// off unless a test configures them, and point at a closed loopback port even then, so nothing can leave the machine.
/// On dispose the test fails if the service logged an Error or Critical it did not declare with <see cref="ExpectErrors(string, string)"/>.
/// </summary>
public class TrackingApp : WebApplicationFactory<Program>
{
    /// <summary>A loopback port nothing listens on: an unconfigured destination is refused there, never sent anywhere.</summary>
    public const string Nowhere = "http://127.0.0.1:9";

    private static int _lastDatabase;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly ErrorLogGuard _logs = new();
    private readonly ConcurrentQueue<(IHost Host, CancellationToken Stopped)> _hosts = new();
    private readonly Lock _clients = new();
    private bool _verified;

    /// <param name="settings">Configuration overrides; a null value removes one of the defaults below (e.g. the allowed origin).</param>
    /// <param name="services">Service overrides (e.g. a FakeTimeProvider).</param>
    /// <param name="isolated">Use a Redis database of its own, so outbox workers of parallel test classes never meet.</param>
    public TrackingApp(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool isolated = false)
    {
        _services = services;
        // A cluster has one database: there the suite runs one test at a time (see .ci/run) and isolation is a flush.
        var cluster = RedisServer.Shared.IsCluster;
        Database = isolated ? IsolatedDatabase() : 0;
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (cluster ? "" : $",defaultDatabase={Database}"),
            ["Tracking:AllowedOrigins:0"] = "https://film.example",
            ["Tracking:RateLimitPerMinute"] = "100000",
            ["Tracking:OpsRateLimitPerMinute"] = "100000",
            ["Tracking:WebhookRateLimitPerMinute"] = "100000",
            // Budgets are counted in Redis, which the suite's hosts share: a test of a budget sets its own.
            ["Tracking:NewSessionsPerMinute"] = "100000",
            ["Donations:CheckoutsPerClientPerHour"] = "100000",
            // No credentials = destination disabled; the addresses matter only if a test adds credentials without a stub.
            ["Meta:PixelId"] = "",
            ["Meta:AccessToken"] = "",
            ["Meta:BaseUrl"] = Nowhere,
            ["PostHog:ApiKey"] = "",
            ["PostHog:Host"] = Nowhere,
            ["Stripe:SecretKey"] = "",
            ["Stripe:ApiBase"] = Nowhere,
        };
        foreach (var (key, value) in settings ?? [])
        {
            if (value is null)
            {
                _settings.Remove(key);
            }
            else
            {
                _settings[key] = value;
            }
        }
    }

    public int Database { get; }

    /// <summary>A fresh, flushed Redis database for one test (database 0, flushed, on a cluster).</summary>
    public static int IsolatedDatabase()
    {
        var database = RedisServer.Shared.IsCluster ? 0 : Interlocked.Increment(ref _lastDatabase);
        if (database > 1023)
        {
            throw new InvalidOperationException("Out of isolated Redis databases");
        }
        RedisServer.Shared.Flush(database);
        return database;
    }

    public IDatabase Db => RedisServer.Shared.Connection.GetDatabase(Database);

    /// <summary>Everything the service logged (every host built from this factory, including WithWebHostBuilder ones).</summary>
    public FakeLogCollector Logs => _logs.Collector;

    /// <summary>Declares that this test provokes Error/Critical logs of <paramref name="category"/> (or a sub-category), and why.</summary>
    public void ExpectErrors(string category, string because) => _logs.Expect(category, because);

    public void ExpectErrors(Func<FakeLogRecord, bool> match, string because) => _logs.Expect(match, because);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddFakeLogging();
            // This factory's collector, not a per-host one: it outlives the host and gathers every host built from this factory.
            services.Replace(ServiceDescriptor.Singleton(_logs.Collector));
            // A request's X-Test-Peer header plays its socket address (the test host has none).
            services.AddSingleton<IStartupFilter, TestPeer>();
        });
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    /// <summary>
    /// Records every host built, so that dispose stops each one (see <see cref="StopStrayHostsAsync"/>).
    /// WithWebHostBuilder copies build theirs here too.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        _hosts.Enqueue((host, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped));
        return host;
    }

    /// <summary>
    /// Stops the hosts the factory lost track of. Clients created in parallel before the first host exists each build
    /// a host, and the factory keeps only the last one; a lost host would go on draining the outbox after the test.
    /// On a cluster, where every test shares one database, it would take the next tests' entries.
    /// </summary>
    private async Task StopStrayHostsAsync()
    {
        foreach (var (host, stopped) in _hosts)
        {
            if (!stopped.IsCancellationRequested)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    /// <summary>
    /// Fails now if an unexpected Error/Critical was logged since the last check: a shared app (class fixture) is checked
    /// after each test this way (see <see cref="SharedAppTests{TApp}"/>), as a class cleanup failure would not fail the run.
    /// </summary>
    public void VerifyLogsSoFar()
    {
        var unexpected = _logs.Unexpected();
        if (unexpected.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{GetType().Name} logged, during this test:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", unexpected));
        }
    }

    /// <summary>What the test left wrong, found once the host has stopped (so nothing more can be logged or sent).</summary>
    protected virtual IEnumerable<string> Violations() =>
        _logs.Unexpected().Select(e => $"unexpected log: {e} (if the test provokes it, declare it with ExpectErrors and say why)");

    /// <summary>Releases what a subclass owns (stubs), after <see cref="Violations"/> was read.</summary>
    protected virtual void ReleaseResources()
    {
    }

    /// <summary>
    /// A client of the test server, made one at a time: the factory keeps every client it makes in a plain list (to
    /// dispose them with it), which clients made in parallel (a flood test) would corrupt.
    /// </summary>
    public new HttpClient CreateClient()
    {
        lock (_clients)
        {
            return base.CreateClient();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_verified)
        {
            await base.DisposeAsync();
            return;
        }
        _verified = true;
        List<string> problems;
        try
        {
            await base.DisposeAsync();
            await StopStrayHostsAsync();
        }
        finally
        {
            try
            {
                problems = Violations().ToList();
            }
            finally
            {
                ReleaseResources();
            }
        }
        GC.SuppressFinalize(this);
        if (problems.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{GetType().Name} found, after the test:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", problems));
        }
    }
}
