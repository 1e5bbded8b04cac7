using Shear.Numerics.Data;

namespace Shear.Numerics.Tests.Data;

public sealed class PythonRandomTests
{
    // Expected values printed by CPython 3.11: random.seed(s); [random.randint(a, b) ...], getrandbits(k).
    [Fact]
    public void RandIntMatchesCPythonForSeedZero()
    {
        var r = new PythonRandom(0);
        Assert.Equal(new long[] { 6, 6, 0, 4, 8, 7, 6, 4 }, Enumerable.Range(0, 8).Select(_ => r.RandInt(0, 10)).ToArray());
    }

    [Fact]
    public void RandIntAndGetRandBitsMatchCPythonForSeed42()
    {
        var r = new PythonRandom(42);
        Assert.Equal(new long[] { 670487, 116739, 26225, 777572 }, Enumerable.Range(0, 4).Select(_ => r.RandInt(0, 1_000_000)).ToArray());
        Assert.Equal(1181241943UL, r.GetRandBits(32));
        Assert.Equal(4117511471858006928UL, r.GetRandBits(64));
    }

    [Fact]
    public void SeedsWiderThan32BitsUseBothWords()
    {
        var r = new PythonRandom((1L << 40) + 5);
        Assert.Equal(new long[] { 7, 7, 5, 3, 7, 3 }, Enumerable.Range(0, 6).Select(_ => r.RandInt(3, 7)).ToArray());
    }

    [Fact]
    public void SingleValueRangeConsumesBitsLikeCPython()
    {
        var r = new PythonRandom(0);
        Assert.Equal(0, r.RandInt(0, 0));
        Assert.Equal(0, r.RandInt(0, 0));
        Assert.Equal(0, r.RandInt(0, 1));
        Assert.Throws<ArgumentException>(() => r.RandInt(3, 2));
    }
}
