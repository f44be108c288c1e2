using System.Globalization;

namespace Tracking.Storage;

/// <summary>
/// Durable daily counters per attribution key (last touch: source|medium|campaign|content), written inside the
/// same script as the fact they count. Keys are per partition and per UTC day, so they sit on the session's slot
/// and a report never needs the (expired) sessions. Distinct attribution keys per partition-day are capped; the
/// rest count as "(other)".
/// </summary>
internal static class Aggregates
{
    public const int MaxKeysPerPartitionDay = 500;

    // Counter names as the scripts write them ("touches" is counted too, for future reports).
    public const string Sessions = "sessions";
    public const string ContentViews = "content_views";
    public const string Checkouts = "checkouts";

    public static string Video(int percent) => "video_" + percent.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Lua: <c>agg(hash, keySet, session, metric)</c> adds one to <c>metric|attribution key</c> of the session's
    /// current last touch. Prepended to every script that counts a fact.
    /// </summary>
    public static readonly string LuaFunction = $$"""
        local function agg(hash, keyset, sess, metric)
          local f = redis.call('HMGET', sess, 'last_touch_source', 'last_touch_medium', 'last_touch_campaign', 'last_touch_content')
          local parts = {}
          for i = 1, 4 do parts[i] = (string.gsub(f[i] or '', '[|\n]', '_')) end
          local key = table.concat(parts, '|')
          if redis.call('SISMEMBER', keyset, key) == 0 then
            if redis.call('SCARD', keyset) >= {{MaxKeysPerPartitionDay}} then key = '(other)|||' else redis.call('SADD', keyset, key) end
          end
          redis.call('HINCRBY', hash, metric .. '|' .. key, 1)
        end

        """;
}
