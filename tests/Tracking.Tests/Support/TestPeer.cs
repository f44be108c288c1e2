using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tracking.Tests.Support;

/// <summary>
/// Plays the TCP peer. The test host has no socket (RemoteIpAddress is null), so a request's <see cref="Header"/>
/// becomes its <c>Connection.RemoteIpAddress</c> before the service's pipeline starts, and is removed: the service
/// sees what Kestrel would give it for a connection from that address. Without the header nothing changes.
/// </summary>
public sealed class TestPeer : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, following) =>
        {
            if (http.Request.Headers.Remove(Header, out var peer))
            {
                http.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
            }
            return following(http);
        });
        next(app);
    };
}
