namespace Tracking.Delivery;

internal static class Consent
{
    /// <summary>granted → yes; denied → no; pending or unknown → yes only in opt-out mode.</summary>
    public static bool Allows(IReadOnlyDictionary<string, string> session, string field, string mode) =>
        session.GetValueOrDefault(field) switch
        {
            "granted" => true,
            "denied" => false,
            _ => mode == "opt-out",
        };

    public static bool IsBot(IReadOnlyDictionary<string, string> session) => session.GetValueOrDefault("bot") == "true";
}
