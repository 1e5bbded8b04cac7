using Shear.Numerics.Evaluation.Code;
using Shear.Numerics.Evaluation.Translation;
using Shear.Numerics.Generation;

namespace Shear.Numerics.Evaluation;

/// <summary>The sampled benchmarks of <c>shear eval</c>: code (pass@k) and translation (METEOR, best of k).</summary>
public static partial class LocalEvalJob
{
    /// <summary>The MBPP prompt family of a model: gemma, llama3 (Llama with a 128k vocabulary) or [INST] otherwise.</summary>
    public static string PromptFamily(Models.ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.IsGemma ? "gemma" : config.ModelType == "llama" && config.VocabSize >= 128_000 ? "llama3" : "inst";
    }

    private sealed partial class Job
    {
        private WordNetLexicon? wordNet;
        private bool wordNetChecked;

        public IEnumerable<BenchmarkResult> CodeResults(EvalBenchmark benchmark)
        {
            var items = new List<CodeItem>();
            foreach (var file in benchmark.Files(options.DataDirectory))
            {
                items.AddRange(benchmark.Name == "mbpp"
                    ? MbppProblem.Load(file).Where(p => p.IsTest).Select(p => CodeTask.Of(p, PromptFamily(lm.Config)))
                    : HumanEvalProblem.Load(file).Select(CodeTask.Of));
            }

            items = NonEmpty(items, benchmark, options.DataDirectory);
            items = items.Take(Take(items.Count, benchmark)).ToList();
            var sandbox = new PythonSandbox(options.SandboxTimeout, allowUnisolated: options.AllowUnisolatedCode);
            log($"{benchmark.Name}: {items.Count} problems x {options.CodeSamples} samples; sandbox: {sandbox.Isolation}");
            var results = CodeTask.Run(new TextGenerator(lm, tokenizer), sandbox, items, options.CodeSamples, options.CodeMaxNewTokens, options.Seed,
                (done, total) => progress(benchmark.Name, done, total),
                EvalBatches.Rows(lm, Math.Min(lm.Config.MaxPositionEmbeddings, 1024 + options.CodeMaxNewTokens), options.CodeSamples));
            return CodeEvaluator.PassAtKs(results).Select(p => BenchmarkResult.Of("code", benchmark.Name, $"pass@{p.Key}", p.Value, items.Count)).ToList();
        }

        public IEnumerable<BenchmarkResult> TranslationResults(EvalBenchmark benchmark)
        {
            var pairs = NonEmpty(TranslationTask.Load(benchmark.Files(options.DataDirectory), secondHalf: benchmark.Name == "opus_books"), benchmark, options.DataDirectory);
            pairs = pairs.Take(Take(pairs.Count, benchmark)).ToList();
            var meteor = new Meteor(WordNet());
            var generator = new TextGenerator(lm, tokenizer);
            int k = options.TranslationSamples;
            int rows = EvalBatches.Rows(lm, Math.Min(lm.Config.MaxPositionEmbeddings, 512 + options.TranslationMaxNewTokens), k);
            var scores = new List<double>(pairs.Count);
            for (int i = 0; i < pairs.Count; i++)
            {
                var generation = new GenerationOptions
                {
                    Temperature = TranslationTask.Temperature, TopP = TranslationTask.TopP, TopK = TranslationTask.TopK,
                    MaxNewTokens = options.TranslationMaxNewTokens, Seed = options.Seed + ((long)i * k),
                };
                var samples = generator.GenerateRepeated(TranslationTask.Prompt(pairs[i].English), k, generation, rows);
                scores.Add(TranslationTask.Score(meteor, pairs[i].French, samples.Select(s => s.Text).ToList(), options.MeteorOrder));
                progress(benchmark.Name, i + 1, pairs.Count);
            }

            var metric = meteor.HasSynonyms ? "meteor" : "meteor (no synonyms)";
            return [BenchmarkResult.Of("translation", benchmark.Name, metric, Measured.Mean([.. scores]), pairs.Count)];
        }

        private WordNetLexicon? WordNet()
        {
            if (!wordNetChecked)
            {
                wordNetChecked = true;
                if (WordNetLexicon.IsAvailable(options.WordNetDirectory))
                {
                    wordNet = WordNetLexicon.Load(options.WordNetDirectory);
                }
                else
                {
                    Warn($"METEOR without WordNet synonyms: none in {options.WordNetDirectory} (enable: sudo apt-get install wordnet-base)");
                }
            }

            return wordNet;
        }
    }
}
