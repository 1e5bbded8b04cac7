using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>
/// A sparse mixture-of-experts MLP (transformers' <c>MixtralSparseMoeBlock</c>, <c>Qwen3MoeSparseMoeBlock</c>): the
/// router <c>gate</c> scores every expert per token, softmax in fp32, the top k are kept (renormalised to sum to 1 for
/// Mixtral and where <c>norm_topk_prob</c>), and each token's output is the routing-weighted sum of its experts'
/// gated MLPs. Each expert runs once per forward on exactly the tokens routed to it (in the order transformers takes
/// them: by top-k slot, then by token), which <see cref="RoutedRows"/> names while it runs.
/// </summary>
public sealed class SparseMoe : nn.Module<Tensor, Tensor>
{
    /// <summary>The router's name within the block (kept dense: it is no expert's Linear).</summary>
    public const string RouterName = "gate";

    [ComponentName(Name = RouterName)]
    private readonly Linear _gate;

    [ComponentName(Name = "experts")]
    private readonly ModuleList<Mlp> _experts;

    private readonly int _topK;
    private readonly bool _renormalise;

    /// <summary>Creates the block (<see cref="ModelConfig.MoeBlockName"/>: <c>block_sparse_moe</c> for Mixtral, <c>mlp</c> for Qwen3-MoE).</summary>
    public SparseMoe(ModelConfig config, ModelOptions options)
        : base(config?.MoeBlockName ?? throw new ArgumentNullException(nameof(config)))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _topK = config.ExpertsPerToken;
        _renormalise = config.RenormaliseRouting;
        _gate = nn.Linear(config.HiddenSize, config.ExpertCount, false, options.Device, options.DType);
        bool mixtral = config.ModelType == "mixtral";
        _experts = nn.ModuleList(Enumerable.Range(0, config.ExpertCount)
            .Select(e => new Mlp(config, options, config.ExpertIntermediateSize, e.ToString(System.Globalization.CultureInfo.InvariantCulture), mixtral)).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// While an expert runs: the flat token rows (into batch x sequence) it is given, in the order of its input's rows;
    /// null between experts. Hooks on an expert's Linears read it to know which tokens they see.
    /// </summary>
    public Tensor? RoutedRows { get; private set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var flat = x.reshape(-1, x.shape[^1]);                                            // (N, H)
        var probabilities = nn.functional.softmax(_gate.call(flat), 1, ScalarType.Float32); // (N, E) fp32
        var (weights, selected) = probabilities.topk(_topK, -1);                         // (N, k)
        if (_renormalise)
        {
            weights = weights / weights.sum(-1, keepdim: true);
        }

        weights = weights.to_type(x.dtype);
        var output = zeros_like(flat);
        // (E, k, N): expert e takes token n in slot j; transformers' expert_mask.
        var routed = nn.functional.one_hot(selected, _experts.Count).permute(2, 1, 0);
        var hit = routed.sum([1L, 2L]).cpu().data<long>().ToArray(); // host: which experts run (a loop over modules)
        for (int e = 0; e < hit.Length; e++)
        {
            if (hit[e] == 0)
            {
                continue;
            }

            using var expertScope = NewDisposeScope();
            var where = routed[e].nonzero();                  // (n, 2) [slot, token], row-major: by slot, then token
            var slot = where[.., 0];
            var rows = where[.., 1];
            RoutedRows = rows;
            try
            {
                var y = _experts[e].call(flat.index_select(0, rows)) * weights[rows, slot].unsqueeze(1);
                output.index_add_(0, rows, y, 1);
            }
            finally
            {
                RoutedRows = null;
            }
        }

        return output.reshape(x.shape).MoveToOuterDisposeScope();
    }
}
