using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Upgrade;

/// <summary>What <c>upgrade_outbox.lua</c> changed in one partition.</summary>
internal sealed record OutboxMigrated(long Moved, long Bodies);

/// <summary>
/// Moves outbox entries written before entries were shared (one copy per destination, under its full id) into the
/// shared layout, and gives dead letters an old worker left without a body the entry it could not read. Each
/// partition's fields are found by scanning (no blocking command over a whole hash), then checked and moved by one
/// script per page of candidates, on the partition's own slot.
/// </summary>
internal sealed class OutboxUpgrade(IDatabase db)
{
    private const int Page = 200;

    private static readonly ScriptLayout Layout = new(["due", "items", "dead"], [], new ScriptList("ids", "id"));
    private static readonly RedisScript Script = RedisScript.Load("upgrade_outbox.lua", Layout);

    public async Task<OutboxMigrated> RunAsync()
    {
        long moved = 0, bodies = 0;
        foreach (var tag in Partitions.Tags)
        {
            var candidates = new List<string>();
            // Old-layout entries: fields named by a full id, whose first part is a destination, not a session id
            // (a shared entry's field) nor '#' (its count). The script checks each again.
            await foreach (var e in db.HashScanAsync(Keys.OutboxItems(tag), pageSize: 500))
            {
                var field = (string)e.Name!;
                if (!field.StartsWith('#') && !Ids.IsSessionId(field[..Math.Max(0, field.IndexOf(':', StringComparison.Ordinal))]))
                {
                    candidates.Add(field);
                }
            }
            await foreach (var e in db.HashScanAsync(Keys.OutboxDead(tag), pageSize: 500))
            {
                if (e.Value.IsNullOrEmpty)
                {
                    candidates.Add(e.Name!);
                }
            }
            foreach (var page in candidates.Distinct(StringComparer.Ordinal).Chunk(Page))
            {
                var call = new ScriptCall(Layout, 4 + page.Length)
                    .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag)).Key("dead", Keys.OutboxDead(tag)).List("ids");
                foreach (var id in page)
                {
                    call.Arg("id", id);
                }
                var result = JsonSerializer.Deserialize((string)(await Script.RunAsync(db, call))!, UpgradeJson.Default.OutboxMigrated)!;
                moved += result.Moved;
                bodies += result.Bodies;
            }
        }
        return new OutboxMigrated(moved, bodies);
    }
}
