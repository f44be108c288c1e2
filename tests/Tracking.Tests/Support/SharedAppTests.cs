namespace Tracking.Tests.Support;

// Test classes that share one app (a class fixture) derive from this, so an error logged during a test fails that test: xunit only prints a failing fixture dispose.
public abstract class SharedAppTests<TApp>(TApp app) : IClassFixture<TApp>, IDisposable
    where TApp : TrackingApp
{
    protected TApp App { get; } = app;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            App.VerifyLogsSoFar();
        }
    }
}
