namespace Tracking.Projection;

internal static class ProjectionSetup
{
    public static IHostApplicationBuilder AddProjection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProjectionOptions>().BindConfiguration(ProjectionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ProjectionOptions>, ProjectionOptionsValidator>();
        builder.Services.AddSingleton<Projector>().AddSingleton<ProjectionLag>();
        builder.Services.AddHostedService<ProjectionWorker>();
        return builder;
    }
}
