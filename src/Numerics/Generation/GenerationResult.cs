namespace Shear.Numerics.Generation;

/// <summary>One prompt's continuation.</summary>
/// <param name="PromptTokens">The prompt's token ids (without padding).</param>
/// <param name="Tokens">Generated ids (EOS excluded; with a stop string, the tokens up to and including the one that completed it).</param>
/// <param name="Text">Generated text, cut before any stop string.</param>
/// <param name="Reason">Why it stopped.</param>
public sealed record GenerationResult(int[] PromptTokens, int[] Tokens, string Text, FinishReason Reason);
