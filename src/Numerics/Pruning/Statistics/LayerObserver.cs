using Shear.Numerics.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Shear.Numerics.Pruning;

/// <summary>
/// Forward hooks on every Linear of one decoder layer that accumulate <see cref="InputStatistics"/> from the real
/// (unpadded) tokens of each batch, as Wanda's <c>WrappedGPT.add_batch</c> and SparseGPT's <c>add_batch</c> do.
/// </summary>
public sealed class LayerObserver : IDisposable
{
    private readonly List<Action> _removers = [];
    private readonly Dictionary<string, InputStatistics> _statistics = new(StringComparer.Ordinal);
    private ActivationBatch? _current;
    private Tensor? _sampleOf; // a mixture's layer: each flat row's sample in the current batch, -1 for padding

    /// <summary>
    /// Hooks every Linear of <paramref name="layer"/> (ANCHORS §1.1's <c>find_layers</c>: the 7 projections; in a mixture
    /// of experts every expert's, which see only the tokens routed to them, and not the router's).
    /// </summary>
    public LayerObserver(DecoderLayer layer, StatisticsKind kind)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var moe = layer.Moe;
        foreach (var (name, linear) in Linears(layer))
        {
            var stats = new InputStatistics(kind);
            _statistics[name] = stats;
            var expert = moe is not null && name.Contains(".experts.", StringComparison.Ordinal) ? moe : null;
            var remover = linear.register_forward_hook((_, input, output) =>
            {
                Observe(stats, input, expert);
                return output;
            });
            _removers.Add(remover.remove);
        }
    }

    /// <summary>Statistics per Linear, by name relative to the layer (<c>self_attn.q_proj</c> ...).</summary>
    public IReadOnlyDictionary<string, InputStatistics> Statistics => _statistics;

    /// <summary>The Linears of a decoder layer that pruning sees, by relative name, in registration order (a mixture's router is kept dense).</summary>
    public static IReadOnlyList<(string Name, Linear Linear)> Linears(DecoderLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var modules = layer.named_modules().ToList();
        var routers = modules.Where(m => m.module is SparseMoe).Select(m => $"{m.name}.{SparseMoe.RouterName}").ToHashSet(StringComparer.Ordinal);
        return modules.Where(m => m.module is Linear && !routers.Contains(m.name)).Select(m => (m.name, (Linear)m.module)).ToList();
    }

    /// <summary>Runs <paramref name="layer"/> on every batch with the hooks live; outputs are discarded.</summary>
    public void Run(DecoderLayer layer, ActivationSet inputs)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(inputs);
        using var noGrad = no_grad();
        foreach (var batch in inputs.Batches)
        {
            using var scope = NewDisposeScope();
            _current = batch;
            _sampleOf = layer.Moe is null ? null : full(batch.Keep.numel(), -1L, ScalarType.Int64, batch.Hidden.device).index_put_(batch.TokenSample, batch.TokenIndex);
            layer.call(batch.Hidden, batch.Context);
        }

        _current = null;
        _sampleOf = null;
    }

    private void Observe(InputStatistics stats, Tensor input, SparseMoe? expert)
    {
        var batch = _current ?? throw new InvalidOperationException("a hooked Linear ran outside LayerObserver.Run");
        if (stats.Kind == StatisticsKind.None)
        {
            return;
        }

        // The hook runs inside the caller's scope; give its temporaries their own.
        using var scope = NewDisposeScope();
        var flat = input.reshape(-1, input.shape[^1]);  // (B, T, C) -> (B*T, C); an expert's: (routed tokens, C)
        if (expert?.RoutedRows is not { } rows || _sampleOf is not { } sampleOf)
        {
            stats.Add(flat.index_select(0, batch.TokenIndex), batch.Samples, batch.Index, stats.HasMoments ? batch.TokenSample : null);
            return;
        }

        // An expert sees the tokens routed to it: keep the real ones among them (and each one's sample).
        var samples = sampleOf.index_select(0, rows);
        var real = samples.ge(0).nonzero().squeeze(1);
        stats.Add(flat.index_select(0, real), batch.Samples, batch.Index, stats.HasMoments ? samples.index_select(0, real) : null);
    }

    /// <summary>Removes the hooks; the statistics stay available until disposal.</summary>
    public void Detach()
    {
        foreach (var remove in _removers)
        {
            remove();
        }

        _removers.Clear();
    }

    /// <summary>Detaches the hooks and hands the statistics over (the observer no longer owns them).</summary>
    public LayerStatistics Take(int layer)
    {
        Detach();
        var taken = new Dictionary<string, InputStatistics>(_statistics, StringComparer.Ordinal);
        _statistics.Clear();
        return new LayerStatistics(layer, taken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Detach();
        foreach (var s in _statistics.Values)
        {
            s.Dispose();
        }
    }
}
