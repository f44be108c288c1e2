using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tracking.Tests.Support;

public static class TestPeerCalls
{
    /// <summary>Every request of this client comes from a connection with <paramref name="address"/>.</summary>
    public static HttpClient FromPeer(this HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Remove(TestPeer.Header);
        client.DefaultRequestHeaders.Add(TestPeer.Header, address);
        return client;
    }
}
