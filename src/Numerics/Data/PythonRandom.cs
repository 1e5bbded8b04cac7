namespace Shear.Numerics.Data;

/// <summary>
/// CPython's <c>random.Random</c> (MT19937 seeded by <c>init_by_array</c>, <c>getrandbits</c>, <c>randint</c>), so that
/// <c>random.seed(seed); random.randint(a, b)</c> draws the same calibration samples as the Python references.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index = N;

    /// <summary>Seeds like <c>random.seed(seed)</c> for an integer seed.</summary>
    public PythonRandom(long seed)
    {
        // CPython uses the 32-bit words of abs(seed), least significant first (at least one word).
        ulong magnitude = seed < 0 ? (ulong)(-(seed + 1)) + 1 : (ulong)seed;
        var key = new List<uint> { (uint)magnitude };
        if (magnitude >> 32 != 0)
        {
            key.Add((uint)(magnitude >> 32));
        }

        InitByArray([.. key]);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (int i = 1; i < N; i++)
        {
            _mt[i] = (1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30))) + (uint)i;
        }

        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
        }

        _mt[0] = 0x80000000u;
    }

    /// <summary>The next 32-bit output of MT19937.</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (int kk = 0; kk < N; kk++)
        {
            uint y = (_mt[kk] & 0x80000000u) | (_mt[(kk + 1) % N] & 0x7fffffffu);
            _mt[kk] = _mt[(kk + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }

        _index = 0;
    }

    /// <summary><c>random.getrandbits(k)</c> for 0 &lt;= k &lt;= 64.</summary>
    public ulong GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 64);
        if (k == 0)
        {
            return 0;
        }

        if (k <= 32)
        {
            return NextUInt32() >> (32 - k);
        }

        // Words fill from the least significant end, the last one keeping only its top bits.
        ulong low = NextUInt32();
        ulong high = NextUInt32() >> (64 - k);
        return low | (high << 32);
    }

    /// <summary><c>random.randint(a, b)</c>: uniform on [a, b] by rejection sampling of <c>getrandbits</c>.</summary>
    /// <exception cref="ArgumentException">Empty range.</exception>
    public long RandInt(long a, long b)
    {
        if (b < a)
        {
            throw new ArgumentException($"empty range for randint({a}, {b})");
        }

        ulong width = (ulong)(b - a) + 1;
        int bits = 64 - (int)ulong.LeadingZeroCount(width);
        ulong r = GetRandBits(bits);
        while (r >= width)
        {
            r = GetRandBits(bits);
        }

        return a + (long)r;
    }
}
