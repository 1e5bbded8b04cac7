namespace Shear.Numerics.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> tokenizer (BPE: byte-level as GPT-2/Llama-3/Qwen2, or SentencePiece-style
/// with byte fallback as Llama-2/Mistral/Gemma): added tokens, normalizer, pre-tokenizer, BPE, post-processor
/// and decoder, each as the file describes. Load with <see cref="TokenizerLoader"/>. Thread-safe.
/// </summary>
public sealed class Tokenizer
{
    private readonly AddedTokenSplitter _added;
    private readonly TextNormalizer _normalizer;
    private readonly PreTokenizer _preTokenizer;
    private readonly BpeModel _model;
    private readonly TokenDecoder _decoder;
    private readonly SpecialTokenTemplate _template;
    private readonly string[] _idToToken;
    private readonly HashSet<int> _specialIds;

    internal Tokenizer(TokenizerParts parts)
    {
        _added = new AddedTokenSplitter(parts.AddedTokens);
        _normalizer = parts.Normalizer;
        _preTokenizer = parts.PreTokenizer;
        _model = parts.Model;
        _decoder = parts.Decoder;
        _template = parts.Template;
        int size = Math.Max(parts.Model.Vocab.Values.DefaultIfEmpty(-1).Max(), parts.AddedTokens.Select(a => a.Id).DefaultIfEmpty(-1).Max()) + 1;
        _idToToken = new string[size];
        foreach (var (token, id) in parts.Model.Vocab)
        {
            _idToToken[id] = token;
        }

        foreach (var a in parts.AddedTokens)
        {
            _idToToken[a.Id] = a.Content;
        }

        _specialIds = parts.AddedTokens.Where(a => a.Special).Select(a => a.Id).ToHashSet();
        BosTokenId = parts.BosTokenId;
        EosTokenId = parts.EosTokenId;
        PadTokenId = parts.PadTokenId;
    }

    /// <summary>Number of ids (largest id + 1).</summary>
    public int VocabSize => _idToToken.Length;

    /// <summary>Beginning-of-sequence id, or null.</summary>
    public int? BosTokenId { get; }

    /// <summary>End-of-sequence id, or null.</summary>
    public int? EosTokenId { get; }

    /// <summary>Padding id, or null.</summary>
    public int? PadTokenId { get; }

    /// <summary>
    /// Encodes plain text (no chat template). With <paramref name="addSpecialTokens"/> the post-processor's
    /// BOS/EOS are added, as HF's <c>encode(text, add_special_tokens=True)</c>.
    /// </summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addSpecialTokens)
        {
            ids.AddRange(_template.Prefix);
        }

        bool first = true;
        foreach (var (segment, addedId) in _added.Split(text))
        {
            if (addedId is { } id)
            {
                ids.Add(id);
            }
            else
            {
                var normalized = _normalizer.Apply(segment);
                foreach (var word in _preTokenizer.Split(normalized, first))
                {
                    ids.AddRange(_model.Tokenize(word));
                }
            }

            first = false;
        }

        if (addSpecialTokens)
        {
            ids.AddRange(_template.Suffix);
        }

        return [.. ids];
    }

    /// <summary>Decodes ids to text; special added tokens are dropped when <paramref name="skipSpecialTokens"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (skipSpecialTokens && _specialIds.Contains(id))
            {
                continue;
            }

            tokens.Add(IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the vocabulary of {VocabSize}"));
        }

        return _decoder.Decode(tokens);
    }

    /// <summary>The token string of an id, or null.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>The id of a token string (vocabulary or added token), or null.</summary>
    public int? TokenToId(string token) =>
        _added.IdOf(token) ?? (_model.Vocab.TryGetValue(token, out var id) ? id : null);

    /// <summary>True when <paramref name="id"/> is a special added token.</summary>
    public bool IsSpecial(int id) => _specialIds.Contains(id);
}
