using Shear.Numerics.Runtime;

namespace Shear.Numerics.Tests.Runtime;

public sealed class DeviceWorkerTests
{
    [Fact]
    public async Task WorkRunsInOrderOnOneThreadThatIsNotTheCallers()
    {
        using var worker = new DeviceWorker("cpu");
        int caller = Environment.CurrentManagedThreadId;
        var order = new List<int>();
        var threads = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => worker.Run(() =>
        {
            order.Add(i);
            return Environment.CurrentManagedThreadId;
        }, TestContext.Current.CancellationToken)));
        Assert.Equal([0, 1, 2, 3, 4], order);
        Assert.Single(threads.Distinct());
        Assert.NotEqual(caller, threads[0]);
        Assert.Equal(5, worker.Completed);
    }

    [Fact]
    public async Task AnExceptionReachesTheAwaiterAndTheWorkerGoesOn()
    {
        using var worker = new DeviceWorker("cpu");
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Run<int>(() => throw new InvalidOperationException("boom"), TestContext.Current.CancellationToken));
        Assert.Equal(7, await worker.Run(() => 7, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var worker = new DeviceWorker("cpu");
        worker.Dispose();
        worker.Dispose();
    }
}
