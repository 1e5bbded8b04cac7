namespace Shear.Numerics.Tokenization;

/// <summary>The pieces a <see cref="Tokenizer"/> is assembled from.</summary>
internal sealed record TokenizerParts(
    IReadOnlyList<AddedToken> AddedTokens,
    TextNormalizer Normalizer,
    PreTokenizer PreTokenizer,
    BpeModel Model,
    TokenDecoder Decoder,
    SpecialTokenTemplate Template,
    int? BosTokenId,
    int? EosTokenId,
    int? PadTokenId);
