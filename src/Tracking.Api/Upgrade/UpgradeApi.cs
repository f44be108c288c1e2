using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Upgrade;

internal static class UpgradeApi
{
    public static IServiceCollection AddUpgrade(this IServiceCollection services) =>
        services.AddSingleton<OutboxUpgrade>().AddSingleton<VisitorIndexUpgrade>().AddSingleton<TtlUpgrade>()
            .AddSingleton<DataUpgrade>().AddHttpJson(UpgradeJson.Default);

    public static IEndpointRouteBuilder MapUpgradeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/ops/upgrade", Run).WithTags("Ops").RequireOpsKey()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("UpgradeData").WithSummary("Migrate data written by earlier versions (one-shot, idempotent).")
            .WithDescription("""
                Run once after upgrading from a version that stored an outbox entry per destination, before the
                workers run (docs/operations.md, "Upgrading old data"). Moves those entries into the shared entry
                under the same ids (each destination gets each event once), gives dead letters an old worker left
                without a body their entry, indexes live sessions and conversions under their visitor, and sets the
                documented TTL on keys that have none. Scans every master; changes only what is still in the old
                form, so a second run answers all zeros.
                """);
        return app;
    }

    internal static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<UpgradeResult>> Run(DataUpgrade upgrade) =>
        TypedResults.Ok(await upgrade.RunAsync());
}
