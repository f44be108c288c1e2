using System.Diagnostics;
using System.Globalization;

namespace Tracking.Tests.Support;

/// <summary>POSIX signals to a process the suite started: TERM as an orchestrator stops it, STOP/CONT to freeze and thaw it.</summary>
public static class Signals
{
    public static void Send(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
