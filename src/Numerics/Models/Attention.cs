using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Shear.Numerics.Models;

/// <summary>Multi-head attention with grouped KV heads, rotary positions and an optional KV cache.</summary>
public sealed class Attention : nn.Module<Tensor, DecoderContext, Tensor>
{
    [ComponentName(Name = "q_proj")]
    private readonly Linear? _qProj;

    [ComponentName(Name = "k_proj")]
    private readonly Linear? _kProj;

    [ComponentName(Name = "v_proj")]
    private readonly Linear? _vProj;

    [ComponentName(Name = "qkv_proj")]
    private readonly Linear? _qkvProj;

    [ComponentName(Name = "o_proj")]
    private readonly Linear _oProj;

    [ComponentName(Name = "q_norm")]
    private readonly RmsNorm? _qNorm;

    [ComponentName(Name = "k_norm")]
    private readonly RmsNorm? _kNorm;

    private readonly int _layerIndex;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly AttentionKernel _kernel;
    private readonly ModelConfig _config;
    private readonly double _scale;
    private readonly double _sdpaQueryScale; // SDPA scales by head_dim^-1/2: another scale is folded into q (1: none)
    private readonly double? _softcap;

    /// <summary>Creates layer <paramref name="layerIndex"/>'s attention.</summary>
    public Attention(ModelConfig config, int layerIndex, ModelOptions options)
        : base("self_attn")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        (_layerIndex, _heads, _kvHeads, _headDim, _kernel) = (layerIndex, config.NumAttentionHeads, config.KvHeads, config.HeadDim, options.Kernel);
        (_config, _scale, _softcap) = (config, config.AttentionScale, config.AttnLogitSoftcapping);
        _sdpaQueryScale = config.QueryPreAttnScalar is null ? 1.0 : _scale * Math.Sqrt(_headDim);
        var d = options.Device;
        if (config.FusedProjections)
        {
            _qkvProj = nn.Linear(config.HiddenSize, (_heads + (2 * _kvHeads)) * _headDim, config.QkvBias, d, options.DType); // Phi: rows q, then k, then v
        }
        else
        {
            _qProj = nn.Linear(config.HiddenSize, _heads * _headDim, config.QkvBias, d, options.DType);
            _kProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, config.QkvBias, d, options.DType);
            _vProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, config.QkvBias, d, options.DType);
        }

        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, config.OutputBias, d, options.DType);
        if (config.QkNorm)
        {
            _qNorm = new RmsNorm(_headDim, config.RmsNormEps, unitOffset: config.IsGemma, options); // Gemma 3's: 1 + w
            _kNorm = new RmsNorm(_headDim, config.RmsNormEps, unitOffset: config.IsGemma, options);
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, DecoderContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var (qx, kx, vx) = Project(x);
        var q = qx.view(b, t, _heads, _headDim);   // (B, T, H*D) -> (B, T, H, D)
        var k = kx.view(b, t, _kvHeads, _headDim); // (B, T, KVH*D) -> (B, T, KVH, D)
        if (_qNorm is not null && _kNorm is not null)
        {
            (q, k) = (_qNorm.call(q), _kNorm.call(k)); // qwen3, gemma3: each head normalised over D before RoPE
        }

        q = q.transpose(1, 2); // (B, H, T, D)
        k = k.transpose(1, 2); // (B, KVH, T, D)
        var v = vx.view(b, t, _kvHeads, _headDim).transpose(1, 2);
        var (mask, cos, sin) = ctx.For(_config, _layerIndex); // a sliding-window layer's own mask (and Gemma 3's local rope)
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (ctx.Cache is not null)
        {
            (k, v) = ctx.Cache.Append(_layerIndex, k, v); // (B, KVH, S, D), S = past + T
        }

        k = RepeatKv(k); // (B, KVH, S, D) -> (B, H, S, D)
        v = RepeatKv(v);
        // Soft-capped scores need the explicit path; SDPA scales by head_dim^-1/2, so another scale is folded into q.
        var attn = _kernel == AttentionKernel.Eager || _softcap is not null ? Eager(q, k, v, mask)
            : nn.functional.scaled_dot_product_attention(_sdpaQueryScale == 1.0 ? q : q * _sdpaQueryScale, k, v, mask);
        if (attn.shape[0] != b || attn.shape[1] != _heads || attn.shape[2] != t || attn.shape[3] != _headDim)
        {
            throw new InvalidOperationException($"attn_output should be [{b},{_heads},{t},{_headDim}] but is [{string.Join(",", attn.shape)}]");
        }

        var merged = attn.transpose(1, 2).reshape(b, t, _heads * _headDim); // (B, H, T, D) -> (B, T, H*D)
        return _oProj.call(merged).MoveToOuterDisposeScope();
    }

    // q, k and v: three Linears, or Phi's one fused Linear split by rows (q, then k, then v).
    private (Tensor Q, Tensor K, Tensor V) Project(Tensor x)
    {
        if (_qkvProj is null)
        {
            return (_qProj!.call(x), _kProj!.call(x), _vProj!.call(x));
        }

        var qkv = _qkvProj.call(x);
        long qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        return (qkv.narrow(-1, 0, qWidth), qkv.narrow(-1, qWidth, kvWidth), qkv.narrow(-1, qWidth + kvWidth, kvWidth));
    }

    private Tensor RepeatKv(Tensor kv)
    {
        int groups = _heads / _kvHeads;
        if (groups == 1)
        {
            return kv;
        }

        long b = kv.shape[0], s = kv.shape[2];
        // (B, KVH, S, D) -> (B, KVH, G, S, D) -> (B, H, S, D): each KV head serves G consecutive query heads.
        return kv.unsqueeze(2).expand(b, _kvHeads, groups, s, _headDim).reshape(b, _heads, s, _headDim);
    }

    private Tensor Eager(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        var scores = q.matmul(k.transpose(2, 3)) * _scale; // (B, H, T, S)
        if (_softcap is { } cap)
        {
            scores = (scores / cap).tanh() * cap; // Gemma 2: cap x tanh(score / cap), before the mask
        }

        if (mask is not null)
        {
            scores = scores + mask;
        }

        // Softmax in fp32 as HF's eager attention does, then back to the compute dtype.
        var probs = scores.softmax(-1, ScalarType.Float32).to_type(q.dtype);
        return probs.matmul(v);
    }
}
