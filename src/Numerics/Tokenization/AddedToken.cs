namespace Shear.Numerics.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>: matched in raw text before normalization.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Content">Literal text.</param>
/// <param name="Special">Whether decoding skips it when asked to skip special tokens.</param>
/// <param name="LStrip">Whether it swallows whitespace on its left.</param>
/// <param name="RStrip">Whether it swallows whitespace on its right.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip);
