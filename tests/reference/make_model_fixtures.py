#!/usr/bin/env python3
"""Builds tiny random HF-layout checkpoints (llama+GQA+llama3 rope, mistral+sliding window, qwen2, gemma, qwen3, gemma2,
gemma3_text, phi3, mixtral, qwen3_moe) and
records their logits, as an independent reference for Shear's C# decoder.

The forward pass below is written from the semantics of transformers' modeling_llama / modeling_mistral /
modeling_qwen2 / modeling_gemma (v4.45) and modeling_qwen3 (transformers v4.51.0,
src/transformers/models/qwen3/modeling_qwen3.py: Qwen3Attention applies q_norm/k_norm, an RMSNorm over head_dim, to
each head's query and key after the projection and before RoPE; no q/k/v bias; head_dim from the config), modeling_gemma2
(v4.51.0: scores scaled by query_pre_attn_scalar^-1/2 and soft-capped, cap * tanh(s / cap), before the mask; a sliding
window on the even layers; post_attention_layernorm on the attention output and pre/post_feedforward_layernorm around the
MLP; final logits soft-capped) and modeling_gemma3 (v4.51.0, Gemma3ForCausalLM: Gemma 2's layer without soft-capping,
q_norm/k_norm as Gemma RMSNorms (1 + w) before RoPE, local layers (layer_types) with their own rope base
rope_local_base_freq and no scaling, global layers with rope_theta and linear rope scaling) and modeling_phi3 (v4.51.0:
one qkv_proj whose output rows are q, k, v; one gate_up_proj chunked into gate and up; RoPE over the first
head_dim x partial_rotary_factor dimensions; longrope: inv_freq = 1 / (factor_i x base^(2i/d)) with short factors while
max(position) + 1 <= original_max_position_embeddings, long ones beyond, cos and sin times
sqrt(1 + ln(max / original) / ln(original)); a sliding window on every layer), modeling_mixtral (v4.51.0,
MixtralSparseMoeBlock: router softmax in fp32, top-k renormalised, experts w2(silu(w1 x) * w3 x) on their routed tokens,
outputs weighted and summed with index_add_) and modeling_qwen3_moe (v4.51.0, Qwen3MoeSparseMoeBlock: the same with
gate/up/down_proj experts of moe_intermediate_size, renormalised only where norm_topk_prob; Qwen3MoeDecoderLayer: a dense
MLP on mlp_only_layers and off the decoder_sparse_step grid): pre-norm blocks, RMSNorm in fp32 (Gemma: 1 + w), rotate_half RoPE
(llama3 frequency scaling), GQA by repeat_kv, eager softmax in fp32, SwiGLU (Gemma: tanh-GELU, sqrt(hidden)
embedding scale, tied head). It is used only to make fixtures, never by CI.

Run with Debian's python (apt-get install python3-torch):
    /usr/bin/python3 tests/reference/make_model_fixtures.py tests/Numerics.Tests/Fixtures/models
"""
import json
import math
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

torch.manual_seed(1234)
HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZERS = os.path.join(HERE, "..", "Numerics.Tests", "Fixtures", "tokenizers")


def tokenizer_size(name):
    with open(os.path.join(TOKENIZERS, name + ".json"), encoding="utf-8") as f:
        tok = json.load(f)
    return max(list(tok["model"]["vocab"].values()) + [a["id"] for a in tok["added_tokens"]]) + 1


# Each fixture is a complete HF folder: its tokenizer comes from make_tokenizer_fixtures.py (run that first).
TOKENIZER_OF = {"llama": "llama3-bytelevel", "mistral": "llama2-spm", "qwen2": "gpt2-bytelevel", "gemma": "llama2-spm", "qwen3": "gpt2-bytelevel",
                "gemma2": "llama2-spm", "gemma3_text": "llama2-spm", "phi3": "llama2-spm", "mixtral": "llama2-spm", "qwen3_moe": "gpt2-bytelevel", "gemma3": "llama2-spm"}
GEMMAS = ("gemma", "gemma2", "gemma3_text", "gemma3")

FAMILIES = {
    "llama": dict(model_type="llama", hidden_size=64, intermediate_size=112, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5,
                  rope_theta=500000.0, max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu",
                  rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                    original_max_position_embeddings=16),
                  bos_token_id=406, eos_token_id=407),
    "mistral": dict(model_type="mistral", hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=1, rms_norm_eps=1e-5,
                    rope_theta=10000.0, max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu",
                    sliding_window=4, bos_token_id=1, eos_token_id=2),
    "qwen2": dict(model_type="qwen2", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                  rope_theta=1000000.0, max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu",
                  use_sliding_window=False, sliding_window=4, eos_token_id=[406]),
    "gemma": dict(model_type="gemma", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=4, head_dim=24, rms_norm_eps=1e-6,
                  rope_theta=10000.0, max_position_embeddings=128, hidden_act="gelu",
                  hidden_activation="gelu_pytorch_tanh", bos_token_id=1, eos_token_id=2, pad_token_id=0),
    # head_dim 24 is not hidden / heads (16), as in Qwen3-0.6B (1024 / 16 heads, head_dim 128).
    "qwen3": dict(model_type="qwen3", hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, head_dim=24, rms_norm_eps=1e-6,
                  rope_theta=1000000.0, max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu",
                  attention_bias=False, use_sliding_window=False, sliding_window=None, max_window_layers=2,
                  eos_token_id=406),
    # Caps small enough to change these tiny random models' scores and logits; a window of 4 within 12-token sequences.
    "gemma2": dict(model_type="gemma2", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=24, rms_norm_eps=1e-6,
                   rope_theta=10000.0, max_position_embeddings=128, hidden_activation="gelu_pytorch_tanh",
                   query_pre_attn_scalar=16, attn_logit_softcapping=2.0, final_logit_softcapping=3.0, sliding_window=4,
                   bos_token_id=2, eos_token_id=1, pad_token_id=0),
    "gemma3_text": dict(model_type="gemma3_text", hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=1, head_dim=16, rms_norm_eps=1e-6,
                        rope_theta=1000000.0, rope_local_base_freq=10000.0, rope_scaling=dict(rope_type="linear", factor=8.0),
                        max_position_embeddings=128, hidden_activation="gelu_pytorch_tanh", query_pre_attn_scalar=24,
                        attn_logit_softcapping=None, final_logit_softcapping=None, sliding_window=4,
                        layer_types=["sliding_attention", "full_attention"], bos_token_id=2, eos_token_id=1, pad_token_id=0),
    # Rotary over 12 of 16 dimensions; the 20-token sequence passes original_max_position_embeddings (16): long factors.
    "phi3": dict(model_type="phi3", hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                 num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5, rope_theta=10000.0,
                 partial_rotary_factor=0.75, max_position_embeddings=64, original_max_position_embeddings=16,
                 rope_scaling=dict(type="longrope", short_factor=[1.0, 1.1, 1.3, 1.6, 2.0, 2.5],
                                   long_factor=[1.0, 1.5, 2.5, 4.0, 6.0, 9.0]),
                 sliding_window=6, tie_word_embeddings=False, hidden_act="silu", attention_bias=False,
                 bos_token_id=1, eos_token_id=2, pad_token_id=0),
    # Mixtral: every layer a block_sparse_moe of 4 experts (w1, w3, w2), top-2, weights renormalised; Mistral's attention.
    "mixtral": dict(model_type="mixtral", hidden_size=64, intermediate_size=48, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5, rope_theta=1000000.0,
                    max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu", sliding_window=None,
                    num_local_experts=4, num_experts_per_tok=2, router_jitter_noise=0.0, bos_token_id=1, eos_token_id=2),
    # Qwen3-MoE: layers 0 and 2 mixtures of 8 experts of 32 (top-2, not renormalised), layer 1 a dense MLP of 96
    # (mlp_only_layers); Qwen3's attention. Layer 0's expert 7 is never routed to (see make_weights).
    "qwen3_moe": dict(model_type="qwen3_moe", hidden_size=64, intermediate_size=96, moe_intermediate_size=32,
                      num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2, head_dim=24, rms_norm_eps=1e-6,
                      rope_theta=1000000.0, max_position_embeddings=128, tie_word_embeddings=False, hidden_act="silu",
                      attention_bias=False, use_sliding_window=False, sliding_window=None, max_window_layers=3,
                      num_experts=8, num_experts_per_tok=2, norm_topk_prob=False, decoder_sparse_step=1,
                      mlp_only_layers=[1], eos_token_id=406),
}
# Gemma 3's multimodal checkpoint (Gemma3ForConditionalGeneration as published, e.g. google/gemma-3-4b-it): config.json
# has model_type gemma3 with the language model's fields in text_config (the rest Gemma3TextConfig's defaults), its
# tensors live under language_model. (language_model.model.layers.0...), beside vision_tower.* and
# multi_modal_projector.* that pruning copies unchanged. Its language model is a gemma3_text one.
FAMILIES["gemma3"] = dict(FAMILIES["gemma3_text"], num_key_value_heads=2, sliding_window=3, layer_types=["full_attention", "sliding_attention"])
MULTIMODAL_PREFIX = "language_model."
MOE = ("mixtral", "qwen3_moe")
ROUTING_MARGIN = [1.0]  # the smallest gap seen between a token's k-th and (k+1)-th routing probability
QK_NORM = ("qwen3", "qwen3_moe", "gemma3_text")


def is_moe(c, layer):
    """transformers' rule: every Mixtral layer; Qwen3-MoE's layers not in mlp_only_layers, every decoder_sparse_step-th."""
    if c["model_type"] == "mixtral":
        return True
    if c["model_type"] == "qwen3_moe":
        return layer not in c.get("mlp_only_layers", []) and (layer + 1) % c.get("decoder_sparse_step", 1) == 0
    return False


def moe_names(c):
    """The block's name and each expert's (gate, up, down) Linear names."""
    return ("block_sparse_moe", ("w1", "w3", "w2")) if c["model_type"] == "mixtral" else ("mlp", ("gate_proj", "up_proj", "down_proj"))

SEQUENCES = [
    [1, 17, 42, 5, 88, 23, 9],
    [1, 60, 61, 62, 3, 77, 14, 29, 50, 50, 8, 91],
    [1, 33, 4, 70, 12],
    [1, 5, 9, 14, 20, 27, 35, 44, 54, 65, 77, 90, 104, 119, 135, 152, 170, 189, 209, 230],
]


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


def make_weights(c):
    h, i, hd = c["hidden_size"], c["intermediate_size"], head_dim(c)
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    gemma = c["model_type"] in GEMMAS
    qkv_bias = c["model_type"] == "qwen2"

    def lin(o, n):
        return torch.randn(o, n) / math.sqrt(n)

    w = {"model.embed_tokens.weight": torch.randn(c["vocab_size"], h) * (0.2 if gemma else 1.0)}
    if c["model_type"] == "phi3":
        return make_phi3_weights(c, w, lin)
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        w[p + "self_attn.q_proj.weight"] = lin(nh * hd, h)
        w[p + "self_attn.k_proj.weight"] = lin(nkv * hd, h)
        w[p + "self_attn.v_proj.weight"] = lin(nkv * hd, h)
        w[p + "self_attn.o_proj.weight"] = lin(h, nh * hd)
        if c["model_type"] in QK_NORM:
            w[p + "self_attn.q_norm.weight"] = (0.0 if gemma else 1.0) + 0.3 * torch.randn(hd)
            w[p + "self_attn.k_norm.weight"] = (0.0 if gemma else 1.0) + 0.3 * torch.randn(hd)
        if c["model_type"] in ("gemma2", "gemma3_text"):
            w[p + "pre_feedforward_layernorm.weight"] = 0.3 * torch.randn(h)
            w[p + "post_feedforward_layernorm.weight"] = 0.3 * torch.randn(h)
        if qkv_bias:
            w[p + "self_attn.q_proj.bias"] = torch.randn(nh * hd) * 0.1
            w[p + "self_attn.k_proj.bias"] = torch.randn(nkv * hd) * 0.1
            w[p + "self_attn.v_proj.bias"] = torch.randn(nkv * hd) * 0.1
        if is_moe(c, layer):
            block, (gate, up, down) = moe_names(c)
            e, width = c.get("num_local_experts") or c["num_experts"], c.get("moe_intermediate_size", i)
            w[p + block + ".gate.weight"] = lin(e, h)
            for x in range(e):
                w[p + f"{block}.experts.{x}.{gate}.weight"] = lin(width, h)
                w[p + f"{block}.experts.{x}.{up}.weight"] = lin(width, h)
                w[p + f"{block}.experts.{x}.{down}.weight"] = lin(h, width)
        else:
            w[p + "mlp.gate_proj.weight"] = lin(i, h)
            w[p + "mlp.up_proj.weight"] = lin(i, h)
            w[p + "mlp.down_proj.weight"] = lin(h, i)
        # Norm weights away from their neutral value so a wrong (1 + w) vs w convention shows.
        w[p + "input_layernorm.weight"] = (0.0 if gemma else 1.0) + 0.3 * torch.randn(h)
        w[p + "post_attention_layernorm.weight"] = (0.0 if gemma else 1.0) + 0.3 * torch.randn(h)
    w["model.norm.weight"] = (0.0 if gemma else 1.0) + 0.3 * torch.randn(h)
    if not c.get("tie_word_embeddings", gemma):
        w["lm_head.weight"] = lin(c["vocab_size"], h)
    if c["model_type"] == "qwen3_moe":
        # An expert no token reaches: every embedding gets +8 on dimension 0, which layer 0's normalised input keeps
        # positive (its norm weight there is 1); expert 7's router row is -4 there and 0 elsewhere, so its logit is about
        # -20 for every token.
        # Every router ignores dimension 0 otherwise, so the offset does not decide the other experts' routing.
        w["model.embed_tokens.weight"][:, 0] += 8.0
        w["model.layers.0.post_attention_layernorm.weight"][0] = 1.0
        for layer in range(c["num_hidden_layers"]):
            if is_moe(c, layer):
                w[f"model.layers.{layer}.mlp.gate.weight"][:, 0] = 0.0
        router = w["model.layers.0.mlp.gate.weight"]
        router[7] = 0.0
        router[7, 0] = -4.0
    return w


def make_phi3_weights(c, w, lin):
    h, i, hd = c["hidden_size"], c["intermediate_size"], head_dim(c)
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        w[p + "self_attn.qkv_proj.weight"] = lin((nh + 2 * nkv) * hd, h)
        w[p + "self_attn.o_proj.weight"] = lin(h, nh * hd)
        w[p + "mlp.gate_up_proj.weight"] = lin(2 * i, h)
        w[p + "mlp.down_proj.weight"] = lin(h, i)
        w[p + "input_layernorm.weight"] = 1.0 + 0.3 * torch.randn(h)
        w[p + "post_attention_layernorm.weight"] = 1.0 + 0.3 * torch.randn(h)
    w["model.norm.weight"] = 1.0 + 0.3 * torch.randn(h)
    w["lm_head.weight"] = lin(c["vocab_size"], h)
    return w


def rms_norm(x, weight, eps, gemma):
    xf = x.float()
    normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    if gemma:
        return (normed * (1.0 + weight.float())).type_as(x)
    return weight * normed.to(x.dtype)


def inv_freq(c, local=False, t=0):
    d = int(head_dim(c) * c.get("partial_rotary_factor", 1.0))
    theta = c["rope_local_base_freq"] if local else c["rope_theta"]
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    rs = None if local else c.get("rope_scaling")
    if rs and rs.get("rope_type", rs.get("type")) == "longrope":
        factors = rs["long_factor"] if t > c["original_max_position_embeddings"] else rs["short_factor"]
        inv = 1.0 / (torch.tensor(factors, dtype=torch.float32) * theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    if rs and rs.get("rope_type") == "linear":
        inv = inv / rs["factor"]
    if rs and rs.get("rope_type") == "llama3":
        factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / lo, old / hi
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    return inv


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def is_sliding(c, layer):
    if c["model_type"] == "gemma2":
        return layer % 2 == 0
    if c["model_type"] == "gemma3_text":
        return c["layer_types"][layer] == "sliding_attention"
    return c["model_type"] in ("mistral", "phi3") or bool(c.get("use_sliding_window"))


def rope_and_mask(c, t, layer=0):
    """cos/sin (1, 1, T, D) and the additive causal (and sliding-window) mask (T, T) of one unpadded sequence at a layer."""
    local = c["model_type"] == "gemma3_text" and is_sliding(c, layer)
    freqs = torch.outer(torch.arange(t).float(), inv_freq(c, local, t))
    emb = torch.cat((freqs, freqs), dim=-1)
    rs = c.get("rope_scaling")
    if rs and rs.get("type") == "longrope":
        factor = c["max_position_embeddings"] / c["original_max_position_embeddings"]
        scale = math.sqrt(1 + math.log(factor) / math.log(c["original_max_position_embeddings"]))
        return emb.cos()[None, None] * scale, emb.sin()[None, None] * scale, causal_mask(c, t, layer)
    return emb.cos()[None, None], emb.sin()[None, None], causal_mask(c, t, layer)


def causal_mask(c, t, layer):
    """The additive causal (and sliding-window) mask (T, T) of one unpadded sequence at a layer."""
    qpos, kpos = torch.arange(t)[:, None], torch.arange(t)[None, :]
    allowed = kpos <= qpos
    window = c.get("sliding_window") if is_sliding(c, layer) else None
    if window is not None:
        allowed &= (qpos - kpos) < window
    return torch.zeros(t, t).masked_fill(~allowed, torch.finfo(torch.float32).min)


def layer_forward(c, w, layer, x, hook=None):
    """Decoder layer `layer` on one unpadded sequence x (1, T, H); hook(name, input) sees every Linear's input."""
    gemma = c["model_type"] in GEMMAS
    sandwich = c["model_type"] in ("gemma2", "gemma3_text")
    hd, nh, nkv = head_dim(c), c["num_attention_heads"], c["num_key_value_heads"]
    t = x.shape[1]
    cos, sin, mask = rope_and_mask(c, t, layer)
    p = f"model.layers.{layer}."

    def proj(name, v):
        if hook:
            hook(name, v)
        y = v @ w[p + name + ".weight"].T
        b = w.get(p + name + ".bias")
        return y + b if b is not None else y

    residual = x
    hs = rms_norm(x, w[p + "input_layernorm.weight"], c["rms_norm_eps"], gemma)
    if c["model_type"] == "phi3":  # one fused Linear: output rows q, then k, then v
        qkv = proj("self_attn.qkv_proj", hs)
        q, k, v = qkv[..., :nh * hd], qkv[..., nh * hd:(nh + nkv) * hd], qkv[..., (nh + nkv) * hd:]
    else:
        q, k, v = proj("self_attn.q_proj", hs), proj("self_attn.k_proj", hs), proj("self_attn.v_proj", hs)
    q = q.view(1, t, nh, hd)
    k = k.view(1, t, nkv, hd)
    if c["model_type"] in QK_NORM:
        q = rms_norm(q, w[p + "self_attn.q_norm.weight"], c["rms_norm_eps"], gemma)
        k = rms_norm(k, w[p + "self_attn.k_norm.weight"], c["rms_norm_eps"], gemma)
    q, k = q.transpose(1, 2), k.transpose(1, 2)
    v = v.view(1, t, nkv, hd).transpose(1, 2)
    rd = cos.shape[-1]  # Phi's partial rotary factor: the first rd dimensions rotate, the rest pass through
    q = torch.cat((q[..., :rd] * cos + rotate_half(q[..., :rd]) * sin, q[..., rd:]), dim=-1)
    k = torch.cat((k[..., :rd] * cos + rotate_half(k[..., :rd]) * sin, k[..., rd:]), dim=-1)
    k = k.repeat_interleave(nh // nkv, dim=1)
    v = v.repeat_interleave(nh // nkv, dim=1)
    qpas = c.get("query_pre_attn_scalar")
    scores = q @ k.transpose(2, 3) * qpas ** -0.5 if qpas else q @ k.transpose(2, 3) / math.sqrt(hd)
    if c.get("attn_logit_softcapping"):
        cap = c["attn_logit_softcapping"]
        scores = torch.tanh(scores / cap) * cap
    scores = scores + mask
    probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    attn = (probs @ v).transpose(1, 2).reshape(1, t, nh * hd)
    if sandwich:
        x = residual + rms_norm(proj("self_attn.o_proj", attn), w[p + "post_attention_layernorm.weight"], c["rms_norm_eps"], True)
        hs = rms_norm(x, w[p + "pre_feedforward_layernorm.weight"], c["rms_norm_eps"], True)
    else:
        x = residual + proj("self_attn.o_proj", attn)
        hs = rms_norm(x, w[p + "post_attention_layernorm.weight"], c["rms_norm_eps"], gemma)
    residual = x
    if is_moe(c, layer):
        out = moe_forward(c, w, p, hs, proj)
    elif c["model_type"] == "phi3":  # gate, up = gate_up_proj(x).chunk(2, dim=-1); down(up * act(gate))
        g, up = proj("mlp.gate_up_proj", hs).chunk(2, dim=-1)
        out = proj("mlp.down_proj", up * torch.nn.functional.silu(g))
    else:
        g = proj("mlp.gate_proj", hs)
        act = torch.nn.functional.gelu(g, approximate="tanh") if gemma else torch.nn.functional.silu(g)
        out = proj("mlp.down_proj", act * proj("mlp.up_proj", hs))
    if sandwich:
        out = rms_norm(out, w[p + "post_feedforward_layernorm.weight"], c["rms_norm_eps"], True)
    return residual + out


def moe_forward(c, w, p, hs, proj):
    """transformers' MixtralSparseMoeBlock / Qwen3MoeSparseMoeBlock.forward: softmax routing in fp32, top-k (renormalised for
    Mixtral and where norm_topk_prob), each hit expert in index order on its tokens (torch.where over (slot, token)), the
    routing-weighted outputs summed by index_add_. The router is no hooked Linear (pruning keeps it dense)."""
    block, (gate, up, down) = moe_names(c)
    t, h = hs.shape[1], hs.shape[2]
    flat = hs.reshape(-1, h)
    probs = torch.softmax(flat @ w[p + block + ".gate.weight"].T, dim=1, dtype=torch.float)
    weights, selected = torch.topk(probs, c["num_experts_per_tok"], dim=-1)
    top = torch.topk(probs, c["num_experts_per_tok"] + 1, dim=-1)[0]
    ROUTING_MARGIN[0] = min(ROUTING_MARGIN[0], float((top[:, -2] - top[:, -1]).min()))  # k-th against (k+1)-th
    if c["model_type"] == "mixtral" or c.get("norm_topk_prob"):
        weights = weights / weights.sum(dim=-1, keepdim=True)
    weights = weights.to(flat.dtype)
    out = torch.zeros_like(flat)
    experts = w[p + block + ".gate.weight"].shape[0]
    expert_mask = torch.nn.functional.one_hot(selected, num_classes=experts).permute(2, 1, 0)
    for e in range(experts):
        idx, top_x = torch.where(expert_mask[e])
        if top_x.numel() == 0:
            continue
        x = flat[top_x]
        e_p = f"{block}.experts.{e}."
        y = proj(e_p + down, torch.nn.functional.silu(proj(e_p + gate, x)) * proj(e_p + up, x))
        out.index_add_(0, top_x, y * weights[top_x, idx, None])
    return out.reshape(1, t, h)


def embed(c, w, ids):
    x = w["model.embed_tokens.weight"][ids]
    if c["model_type"] in GEMMAS:
        x = x * torch.tensor(c["hidden_size"] ** 0.5, dtype=x.dtype)
    return x


def forward(c, w, ids):
    """Full-sequence forward of one unpadded sequence (1, T) -> logits (1, T, V)."""
    x = embed(c, w, ids)
    for layer in range(c["num_hidden_layers"]):
        x = layer_forward(c, w, layer, x)
    x = rms_norm(x, w["model.norm.weight"], c["rms_norm_eps"], c["model_type"] in GEMMAS)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    logits = x @ head.T
    if c.get("final_logit_softcapping"):
        cap = c["final_logit_softcapping"]
        logits = torch.tanh(logits / cap) * cap
    return logits


def multimodal_config(c):
    """A Gemma3ForConditionalGeneration config.json around the language model's config c."""
    return {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3", "torch_dtype": "float32",
            "boi_token_index": 400, "eoi_token_index": 401, "image_token_index": 402, "mm_tokens_per_image": 4,
            "eos_token_id": [1, 106], "text_config": dict(c, model_type="gemma3_text"),
            "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                              "num_attention_heads": 2, "image_size": 8, "patch_size": 4}}


def multimodal_weights(w, c):
    """The language model's tensors under language_model., plus a (random, tiny) vision tower and projector."""
    out = {MULTIMODAL_PREFIX + k: v for k, v in w.items()}
    out["vision_tower.vision_model.embeddings.patch_embedding.weight"] = torch.randn(16, 3, 4, 4)
    out["vision_tower.vision_model.post_layernorm.weight"] = torch.randn(16)
    out["multi_modal_projector.mm_input_projection_weight"] = torch.randn(16, c["hidden_size"])
    out["multi_modal_projector.mm_soft_emb_norm.weight"] = torch.randn(16)
    return out


def main(out):
    for fam, c in FAMILIES.items():
        d = os.path.join(out, fam)
        os.makedirs(d, exist_ok=True)
        c["vocab_size"] = tokenizer_size(TOKENIZER_OF[fam])
        shutil.copyfile(os.path.join(TOKENIZERS, TOKENIZER_OF[fam] + ".json"), os.path.join(d, "tokenizer.json"))
        w = make_weights(c)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(multimodal_config(c) if fam == "gemma3" else dict(c, torch_dtype="float32"), f, indent=2)
        safetensors_io.save(os.path.join(d, "model.safetensors"), multimodal_weights(w, c) if fam == "gemma3" else w, {"format": "pt"})
        expected = {}
        with torch.no_grad():
            for n, seq in enumerate(SEQUENCES):
                ids = torch.tensor([seq])
                expected[f"ids.{n}"] = ids[0].to(torch.int64)
                expected[f"logits.{n}"] = forward(c, w, ids)[0].float()
        safetensors_io.save(os.path.join(d, "expected_logits.safetensors"), expected)
        print(fam, {k: tuple(v.shape) for k, v in expected.items() if k.startswith("logits")})

    # A dtype fixture: the same values stored as BF16, F16, F32 and I64 by an independent writer.
    values = torch.tensor([[0.0, 1.0, -2.5, 3.140625], [1e-3, -65504.0 / 1024, 100.0, -0.0078125]])
    safetensors_io.save(os.path.join(out, "dtypes.safetensors"), {
        "bf16": values.to(torch.bfloat16), "f16": values.to(torch.float16), "f32": values,
        "i64": torch.tensor([[-3, 0, 7], [2 ** 40, -(2 ** 33), 1]], dtype=torch.int64),
        "bf16_as_f32": values.to(torch.bfloat16).float(), "f16_as_f32": values.to(torch.float16).float(),
    }, {"made_by": "tests/reference/make_model_fixtures.py"})


if __name__ == "__main__":
    main(sys.argv[1])
