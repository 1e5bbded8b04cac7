namespace Shear.Client.Tests.BadInput;

/// <summary>Datasets as the Hub lays them out (config folders) and benchmarks with nothing to score.</summary>
internal static partial class BadInputCases
{
    private static void HubDatasets()
    {
        Add("eval/math-empty-data-dir", w =>
        {
            Directory.CreateDirectory(w.P("empty"));
            return Eval(w, "--domains", "math", "--data-dir", w.P("empty"));
        }, "math: no benchmark to score: gsm8k not in");
        Add("eval/csr-data-dir-missing", w => Eval(w, "--domains", "csr", "--data-dir", w.P("nodata")), "nor the built-in builtin_commonsense");
        Add("eval/gsm8k-config-with-only-the-card", w =>
        {
            w.Write("hub/gsm8k/README.md", "# gsm8k\n");
            w.Write("hub/gsm8k/main/README.md", "# main\n");
            return Eval(w, "--domains", "math", "--data-dir", w.P("hub"));
        }, "gsm8k not in");
        Add("eval/gsm8k-no-items", w =>
        {
            w.Write("data/gsm8k/main/test-00000-of-00001.jsonl", "\n\n");
            return Eval(w, "--domains", "math");
        }, "benchmark 'gsm8k' has no items to score");
        Add("eval/benchmark-config-unknown", w =>
        {
            w.Write("data/openbookqa/main/test.jsonl", "{\"question_stem\": \"q\", \"choices\": {\"text\": [\"a\", \"b\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"A\"}\n");
            return Eval(w, "--domains", "csr", "--benchmark-config", "openbookqa@nosuchconfig");
        }, "no config 'nosuchconfig' with data files (configs found: main)");
        Add("eval/benchmark-config-not-a-benchmark", w => Eval(w, "--benchmark-config", "poetry@main"), "poetry@main");
        Add("eval/benchmark-config-a-path", w => Eval(w, "--benchmark-config", "gsm8k@../main"), "gsm8k@../main");
        Add("dataset/calibration-config-unknown", w =>
        {
            w.Write("data/wmt14/fr-en/train.jsonl", "{\"translation\": {\"en\": \"a\", \"fr\": \"b\"}}\n");
            w.Write("data/wmt14/de-en/train.jsonl", "{\"translation\": {\"en\": \"a\", \"de\": \"b\"}}\n");
            return Prune(w, "--calibration", "wmt14@nosuchconfig", "--data-dir", w.P("data"));
        }, "dataset 'wmt14' has no config 'nosuchconfig' with data files (configs found: de-en, fr-en)");
        Add("dataset/calibration-config-only-the-card", w =>
        {
            w.Write("data/openbookqa/README.md", "# openbookqa\n");
            w.Write("data/openbookqa/.gitattributes", "*.parquet filter=lfs\n");
            w.Write("data/openbookqa/main/README.md", "# main\n");
            return Prune(w, "--calibration", "openbookqa", "--data-dir", w.P("data"));
        }, "no files for dataset 'openbookqa' (looked in");
        Add("dataset/calibration-config-of-a-builtin-set", w => Prune(w, "--calibration", "builtin_text@main"), "builtin_text@main");
    }
}
