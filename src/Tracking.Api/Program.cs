using Tracking;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedisStore();
builder.AddTrackingFeatures();

var app = builder.Build();
app.UseServiceDefaults();
app.UseEdge();
app.MapTrackingEndpoints();
app.Run();

/// <summary>Entry point, public so tests can host it.</summary>
public partial class Program;
