using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// What one Linear's inputs looked like over the calibration samples. Wanda's <c>scaler_row</c> is
/// <c>(1/N) sum_samples sum_tokens x_j^2</c> (ANCHORS §1.5, closed form); SparseGPT's Hessian is
/// <c>H = (2/N) sum X X^T</c> (§3). Each batch's fp32 partial sum (squares reduced in fp32 as the reference does) is
/// kept per batch index, and the total is summed in batch order when it is asked for, so statistics observed in
/// shards (each a subset of the batches, on any silo) and merged give the same bits as one pass over all batches.
/// Hessians are (C, C) each, too large to keep per batch: a shard keeps one running fp32 sum and merged shards add
/// in the order of their first batch (equal to one pass for one shard; within fp32 rounding of it for several).
/// The sample count N divides once at the end, which equals the reference's running rescale without its drift.
/// DSnoT's moments (<see cref="StatisticsKind.ActivationMoments"/>) keep per batch, besides the sums of squares, the
/// per-channel sums and the sums of squared deviations from each sample's own mean (DSnoT's WrappedGPT sees one
/// sample per call): its <c>sum_metric_row</c> is the sums over N, its <c>var</c> the deviations over the tokens.
/// </summary>
public sealed class InputStatistics : IDisposable
{
    private readonly SortedDictionary<int, Tensor> _perBatch = []; // batch -> (C) fp64 sums of squares; moments: (3, C) squares, sums, deviations
    private Tensor? _sumOuter;   // (C, C) fp32
    private int _firstBatch = int.MaxValue;

    /// <summary>Creates empty statistics of the given kind.</summary>
    public InputStatistics(StatisticsKind kind) => Kind = kind;

    /// <summary>What is accumulated.</summary>
    public StatisticsKind Kind { get; }

    /// <summary>Calibration samples seen (the reference's <c>nsamples</c>).</summary>
    public long Samples { get; private set; }

    /// <summary>Tokens seen.</summary>
    public long Tokens { get; private set; }

    /// <summary>The lowest batch index seen (orders merged Hessians).</summary>
    public int FirstBatch => _firstBatch;

    /// <summary>
    /// Adds batch <paramref name="batch"/>: <paramref name="inputs"/> (tokens, C) of real (unpadded) tokens from
    /// <paramref name="samples"/> samples; <paramref name="tokenSamples"/> (tokens) int64 names each token's sample
    /// (0 ... samples - 1; needed for moments; all tokens of one sample when not given).
    /// </summary>
    public void Add(Tensor inputs, long samples, int batch, Tensor? tokenSamples = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = inputs.to_type(ScalarType.Float32);
        if (HasNorms)
        {
            if (_perBatch.ContainsKey(batch))
            {
                throw new InvalidOperationException($"batch {batch} was observed twice");
            }

            var squares = x.pow(2).sum(0L).to_type(ScalarType.Float64); // (tokens, C) -> (C)
            _perBatch[batch] = (HasMoments ? stack([squares, .. Moments(x, tokenSamples, tokenSamples is null ? 1 : samples)]) : squares).DetachFromDisposeScope();
        }

        if (Kind is StatisticsKind.Hessian or StatisticsKind.MomentsAndHessian)
        {
            var outer = x.t().matmul(x); // (C, tokens) x (tokens, C) -> (C, C)
            if (_sumOuter is null)
            {
                _sumOuter = outer.DetachFromDisposeScope();
            }
            else
            {
                _sumOuter.add_(outer);
            }
        }

        Samples += samples;
        Tokens += x.shape[0];
        _firstBatch = Math.Min(_firstBatch, batch);
    }

    // Per-channel sums and squared deviations from each sample's own mean, fp64 (C) each.
    private static Tensor[] Moments(Tensor x, Tensor? tokenSamples, long samples)
    {
        var sample = tokenSamples?.to_type(ScalarType.Int64).to(x.device) ?? zeros(x.shape[0], ScalarType.Int64, x.device); // (tokens): its sample
        var counts = zeros(samples, ScalarType.Float32, x.device).index_add_(0, sample, ones(x.shape[0], ScalarType.Float32, x.device), 1);
        var perSample = zeros([samples, x.shape[1]], ScalarType.Float32, x.device).index_add_(0, sample, x, 1);
        var means = perSample / counts.clamp_min(1).unsqueeze(1);                                           // (samples, C)
        var deviations = (x - means.index_select(0, sample)).pow(2).sum(0L);
        return [x.sum(0L).to_type(ScalarType.Float64), deviations.to_type(ScalarType.Float64)];
    }

    /// <summary>
    /// Statistics of all batches from those of disjoint subsets (shards); the parts are left as they are. Norms are
    /// summed in batch order (bit for bit one pass); Hessians in the order of each part's first batch.
    /// </summary>
    /// <exception cref="InvalidOperationException">Kinds differ or a batch appears in two parts.</exception>
    public static InputStatistics Merge(IReadOnlyList<InputStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0 || parts.Any(p => p.Kind != parts[0].Kind))
        {
            throw new InvalidOperationException("statistics to merge must be of one kind and at least one");
        }

        var merged = new InputStatistics(parts[0].Kind);
        foreach (var part in parts.OrderBy(p => p.FirstBatch))
        {
            merged.Samples += part.Samples;
            merged.Tokens += part.Tokens;
            merged._firstBatch = Math.Min(merged._firstBatch, part._firstBatch);
            foreach (var (batch, sums) in part._perBatch)
            {
                if (!merged._perBatch.TryAdd(batch, sums.clone().DetachFromDisposeScope()))
                {
                    merged.Dispose();
                    throw new InvalidOperationException($"batch {batch} was observed by two shards");
                }
            }

            if (part._sumOuter is not null)
            {
                if (merged._sumOuter is null)
                {
                    merged._sumOuter = part._sumOuter.clone().DetachFromDisposeScope();
                }
                else
                {
                    merged._sumOuter.add_(part._sumOuter);
                }
            }
        }

        return merged;
    }

    /// <summary>Wanda's <c>scaler_row</c> (C), fp32; the caller owns it.</summary>
    public Tensor ScalerRow() => Summed(0, Samples);

    /// <summary>DSnoT's <c>sum_metric_row</c> (C): each channel's sum over a sample's tokens, averaged over samples, fp32; the caller owns it.</summary>
    public Tensor SumRow() => Summed(1, Samples, moments: true);

    /// <summary>DSnoT's <c>var</c> (C): each channel's within-sample variance, averaged over tokens, fp32; the caller owns it.</summary>
    public Tensor Variance() => Summed(2, Tokens, moments: true);

    /// <summary>Whether Wanda's norms are kept (norms and moments kinds).</summary>
    public bool HasNorms => Kind == StatisticsKind.ActivationNorms || HasMoments;

    /// <summary>Whether DSnoT's moments are kept (they need each batch's tokens per sample).</summary>
    public bool HasMoments => Kind is StatisticsKind.ActivationMoments or StatisticsKind.MomentsAndHessian;

    // The batches' sums of one row (in batch order) over the divisor.
    private Tensor Summed(int row, long divisor, bool moments = false)
    {
        if (!HasNorms || (moments && !HasMoments) || _perBatch.Count == 0 || divisor == 0)
        {
            throw new InvalidOperationException("no activation statistics were gathered (did the calibration forward run?)");
        }

        using var scope = NewDisposeScope();
        Tensor? total = null;
        foreach (var sums in _perBatch.Values)
        {
            var part = HasMoments ? sums[row] : sums;
            total = total is null ? part.clone() : total.add_(part);
        }

        return (total! / divisor).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>SparseGPT's Hessian (C, C), fp32; the caller owns it.</summary>
    public Tensor Hessian()
    {
        if (Kind is not (StatisticsKind.Hessian or StatisticsKind.MomentsAndHessian) || _sumOuter is null || Samples == 0)
        {
            throw new InvalidOperationException("no Hessian was gathered (did the calibration forward run?)");
        }

        using var scope = NewDisposeScope();
        return (_sumOuter * (2.0 / Samples)).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the statistics as raw little-endian bytes (what a shard sends to the job).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write((int)Kind);
        writer.Write(Samples);
        writer.Write(Tokens);
        writer.Write(_firstBatch);
        writer.Write(_perBatch.Count);
        foreach (var (batch, sums) in _perBatch)
        {
            writer.Write(batch);
            TensorCodec.Write(writer, sums);
        }

        writer.Write(_sumOuter is not null);
        if (_sumOuter is not null)
        {
            TensorCodec.Write(writer, _sumOuter);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    public static InputStatistics ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var s = new InputStatistics((StatisticsKind)reader.ReadInt32()) { Samples = reader.ReadInt64(), Tokens = reader.ReadInt64() };
        s._firstBatch = reader.ReadInt32();
        int batches = reader.ReadInt32();
        for (int i = 0; i < batches; i++)
        {
            int batch = reader.ReadInt32();
            s._perBatch[batch] = TensorCodec.Read(reader);
        }

        if (reader.ReadBoolean())
        {
            s._sumOuter = TensorCodec.Read(reader);
        }

        return s;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _perBatch.Values)
        {
            t.Dispose();
        }

        _perBatch.Clear();
        _sumOuter?.Dispose();
    }
}
