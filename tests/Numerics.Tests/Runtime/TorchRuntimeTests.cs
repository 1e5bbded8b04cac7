using Shear.Numerics.Runtime;
using TorchSharp;

namespace Shear.Numerics.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void MatmulRunsAfterTheLoadFix()
    {
        TorchRuntime.EnsureInitialized();
        Assert.Null(TorchRuntime.PatchError);
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var b = torch.tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        var c = a.matmul(b);
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void HugePageAllocatorIsVisibleToNativeCode()
    {
        TorchRuntime.EnsureInitialized();
        Assert.Equal("1", Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE"));
    }
}
