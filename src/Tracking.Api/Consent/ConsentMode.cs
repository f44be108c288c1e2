using Tracking.Infrastructure;

namespace Tracking.Consent;

/// <summary>What pending (not yet given) consent means.</summary>
[System.ComponentModel.TypeConverter(typeof(WireNameConverter<ConsentMode>))]
public enum ConsentMode
{
    /// <summary>Pending counts as granted.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("opt-out")]
    OptOut,

    /// <summary>Pending holds data back.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("opt-in")]
    OptIn,
}
