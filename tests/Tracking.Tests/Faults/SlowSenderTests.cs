using System.Net.Sockets;
using System.Text;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>A client trickling its body (slowloris) is cut off by Kestrel's minimum data rate, not served forever.</summary>
public sealed class SlowSenderTests
{
    [Fact]
    public async Task A_body_sent_a_byte_a_second_is_cut_off()
    {
        using var app = new TrackingApp();
        app.UseKestrel(0);
        app.StartServer();
        var uri = app.ClientOptions.BaseAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /events HTTP/1.1\r\nHost: {uri.Host}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{{"));

        // Trickle one byte a second; Kestrel requires 240 B/s after a 5 s grace. Bounded: 30 s at most.
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await stream.WriteAsync(" "u8.ToArray());
                return tcp.Client.Poll(0, SelectMode.SelectRead) && (tcp.Available == 0 || await ReadsResponseAsync(stream));
            }
            catch (IOException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), "Kestrel to cut off a client sending its body a byte a second", poll: TimeSpan.FromSeconds(1));
    }

    private static async Task<bool> ReadsResponseAsync(NetworkStream stream)
    {
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer);
        return read == 0 || Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 4", StringComparison.Ordinal);
    }
}
