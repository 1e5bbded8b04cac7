#!/usr/bin/env python3
"""Writes small HF tokenizer.json files in the three layouts Shear must read, with BPE merges learned here by
a plain BPE trainer on a fixed text (no `tokenizers` package is available on these machines):

- gpt2-bytelevel: ByteLevel pre-tokenizer (GPT-2 regex, add_prefix_space false), ByteLevel decoder, no BOS;
- llama3-bytelevel: Split(Llama-3 regex, Isolated) + ByteLevel(use_regex false), ignore_merges, a
  TemplateProcessing post-processor adding <|begin_of_text|>;
- llama2-spm: SentencePiece-style BPE with byte_fallback: Prepend("▁") + Replace(" ", "▁") normalizer, no
  pre-tokenizer, Replace/ByteFallback/Fuse/Strip decoder, <s> BOS by TemplateProcessing.

Their expected encodings come from the Rust `tokenizers` library (via the Tokenizers.DotNet package) in the C#
tests, not from this script. Run: python3 tests/reference/make_tokenizer_fixtures.py tests/Numerics.Tests/Fixtures/tokenizers
"""
import json
import os
import re
import sys
from collections import Counter

TEXT = """The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away!
def add(a, b):
    return a + b  # the sum of two numbers

Le renard brun saute par-dessus le chien paresseux. Où est la gare ? C'est là-bas, à côté du café.
Natalia sold 48 clips in April, and then she sold half as many clips in May. 48 / 2 = 24 clips. #### 72
It's what they'll do, isn't it? We've seen you're right: I'd say I'm sure.
"""

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def learn_merges(words, n_merges):
    """Classic BPE: repeatedly merge the most frequent adjacent pair (ties: lexicographically smallest)."""
    corpus = Counter(tuple(w) for w in words)
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, freq in corpus.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += freq
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        new = Counter()
        for word, freq in corpus.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new[tuple(out)] += freq
        corpus = new
    return merges


def simple_split(text):
    # Python's `re` lacks \p{..}; an ASCII approximation is enough for learning merges.
    return re.findall(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-zÀ-ÿ]+| ?[0-9]+| ?[^\sA-Za-zÀ-ÿ0-9]+|\s+(?!\S)|\s+""", text)


def byte_level(specials, pattern, template_bos, ignore_merges, n_merges):
    b2u = bytes_to_unicode()
    words = ["".join(b2u[b] for b in w.encode("utf-8")) for w in simple_split(TEXT)]
    merges = learn_merges(words, n_merges)
    vocab = {}
    for b in range(256):
        vocab.setdefault(b2u[b], len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added = []
    for s in specials:
        added.append({"id": len(vocab), "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
        vocab[s] = len(vocab)
    if pattern == "gpt2":
        pre = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    else:
        pre = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
    post = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    if template_bos:
        bos_id = vocab[template_bos]
        post = {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": template_bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"SpecialToken": {"id": template_bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": template_bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {template_bos: {"id": template_bos, "ids": [bos_id], "tokens": [template_bos]}}}]}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": pre, "post_processor": post,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": ignore_merges,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }


def spm_bpe(n_merges):
    words = ["▁" + w for w in TEXT.replace("\n", " ").split(" ") if w]
    merges = learn_merges(words, n_merges)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for ch in sorted(set("".join(words))):
        vocab.setdefault(ch, len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for t, i in (("<unk>", 0), ("<s>", 1), ("</s>", 2))]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
            {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def main(out):
    os.makedirs(out, exist_ok=True)
    files = {
        "gpt2-bytelevel": byte_level(["<|endoftext|>"], "gpt2", None, False, 150),
        "llama3-bytelevel": byte_level(["<|begin_of_text|>", "<|end_of_text|>"], "llama3", "<|begin_of_text|>", True, 150),
        "llama2-spm": spm_bpe(150),
    }
    for name, tok in files.items():
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(tok, f, ensure_ascii=False, indent=1)
        print(name, len(tok["model"]["vocab"]), "tokens,", len(tok["model"]["merges"]), "merges")


if __name__ == "__main__":
    main(sys.argv[1])
