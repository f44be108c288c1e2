using Tracking.Infrastructure;

namespace Tracking.Reports;

internal static class ReportsSetup
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportStore>().AddSingleton<MonthlyDonorsReader>().AddHttpJson(ReportsJson.Default);
        return builder;
    }
}
