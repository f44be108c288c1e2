using System.Reflection;
using System.Runtime.CompilerServices;

namespace Tracking.Storage;

/// <summary>
/// Loads every script of the gateways (their static <see cref="RedisScript"/> fields) when the host starts, so a script
/// that disagrees with its layout, names or includes stops the start with an error naming the script, instead of
/// failing the first request that uses it.
/// </summary>
internal static class ScriptCheck
{
    /// <summary>The types of <paramref name="assembly"/> that hold scripts.</summary>
    public static IEnumerable<Type> Gateways(Assembly assembly) => assembly.GetTypes()
        .Where(t => !t.ContainsGenericParameters && t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Any(f => f.FieldType == typeof(RedisScript)));

    /// <summary>Loads (and so checks) the scripts of each type; the first refused script throws, naming it.</summary>
    public static IReadOnlyList<RedisScript> Run(IEnumerable<Type> gateways)
    {
        var scripts = new List<RedisScript>();
        foreach (var type in gateways)
        {
            try
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
            catch (TypeInitializationException e) when (e.InnerException is InvalidOperationException refused)
            {
                throw new InvalidOperationException($"{refused.Message} (loaded by {type.FullName})", refused);
            }
            scripts.AddRange(type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                .Where(f => f.FieldType == typeof(RedisScript)).Select(f => (RedisScript)f.GetValue(null)!));
        }
        return scripts;
    }
}

/// <summary>Runs <see cref="ScriptCheck"/> over the service's own scripts as the host starts.</summary>
internal sealed class ScriptStartupCheck : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ScriptCheck.Run(ScriptCheck.Gateways(typeof(ScriptCheck).Assembly));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
