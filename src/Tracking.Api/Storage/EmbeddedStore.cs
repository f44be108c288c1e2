using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Tracking.Storage;

/// <summary>
/// Microsoft Garnet running in-process, in memory, on loopback: lets the service run with nothing but the .NET SDK.
/// Data is lost on exit, so production always sets <c>Redis:ConnectionString</c>.
/// </summary>
internal sealed class EmbeddedStore : IDisposable
{
    private readonly GarnetServer _server;

    public EmbeddedStore(int port, ILoggerFactory loggers)
    {
        Port = port == 0 ? FreePort() : port;
        _server = new GarnetServer(
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lua",
        ], loggers);
        _server.Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Dispose() => _server.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
