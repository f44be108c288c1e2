using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Delivery;

internal static class Consent
{
    /// <summary>granted → yes; denied → no; pending or unknown → yes only in opt-out mode.</summary>
    public static bool Allows(IReadOnlyDictionary<string, string> session, string field, ConsentMode mode) =>
        session.GetValueOrDefault(field) switch
        {
            "granted" => true,
            "denied" => false,
            _ => mode == ConsentMode.OptOut,
        };

    public static bool IsBot(IReadOnlyDictionary<string, string> session) => session.GetValueOrDefault(SessionField.Bot) == "true";
}
