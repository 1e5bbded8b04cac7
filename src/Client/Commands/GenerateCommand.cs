using System.CommandLine;
using Shear.Numerics.Generation;
using Shear.Numerics.Models;
using Shear.Numerics.Tokenization;

namespace Shear.Client.Commands;

/// <summary><c>shear generate --model DIR --prompt TEXT ...</c>: continue prompts with a local model.</summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "HF checkpoint folder (config.json, tokenizer.json, safetensors)", Required = true };
        var prompts = new Option<string[]>("--prompt") { Description = "Prompt text (repeat for a batch)", Required = true, AllowMultipleArgumentsPerToken = false };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens to generate", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus mass in (0, 1]", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "0 = off", DefaultValueFactory = _ => 0 };
        var penalty = new Option<double>("--repetition-penalty") { Description = "HF's repetition penalty: logits of ids already in the row divided (positive) or multiplied (negative) by it; 1 = off", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var stops = new Option<string[]>("--stop") { Description = "Stop string (repeatable)" };
        var compute = new ComputeOptions();
        var command = new Command("generate", "Continue prompts with a local model") { model, prompts, maxNew, temperature, topP, topK, penalty, seed, stops };
        compute.AddTo(command);
        command.SetAction(parse =>
        {
            var options = new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxNew),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                RepetitionPenalty = parse.GetValue(penalty),
                Seed = parse.GetValue(seed),
                StopStrings = parse.GetValue(stops) ?? [],
            };
            options.Validate();
            var dir = parse.GetValue(model)!.FullName;
            var tokenizer = TokenizerLoader.LoadFor(dir, Numerics.Models.ModelConfigLoader.Load(dir));
            using var lm = CausalLM.Load(dir, compute.Resolve(parse));
            var results = new TextGenerator(lm, tokenizer).Generate(parse.GetValue(prompts)!, options);
            foreach (var r in results)
            {
                stdout.WriteLine($"[{r.Reason}, {r.Tokens.Length} tokens] {r.Text}");
            }

            return 0;
        });
        return command;
    }
}
