using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Shear.Numerics.Tests.Runtime;

/// <summary>
/// The layer loop must run where its device is: no tensor made on the host and no value read back to it except the
/// documented transfers. TorchSharp's meta device cannot be the check (libtorch 2.10 has no Meta kernel for
/// index_select, abs, where, logical_not ...), so Numerics' own sources are compiled here with Roslyn and every call in
/// the loop's files that reads a tensor on the host (<c>item</c>, <c>cpu</c>, <c>data</c>, TorchSharp's
/// <c>ToSingle</c>/<c>ToArray</c>/... extensions) or makes a tensor without a device (a torch factory whose
/// <c>device</c> parameter is left out) fails the suite unless its line, or the line above, says <c>// host:</c> and
/// why. A CPU-only call added to the hot path is named here with its file and line.
/// </summary>
public sealed class HostReadTests
{
    /// <summary>The loops: the model's forward, the layer step and its statistics, scores, masks and solves, the shards; generation and the evaluations.</summary>
    private static readonly string[] LoopFolders = ["src/Numerics/Models", "src/Numerics/Pruning", "src/Numerics/Pruning/Loop", "src/Numerics/Generation", "src/Numerics/Data/Generated", "src/Numerics/Evaluation", "src/Numerics/Evaluation/Choice", "src/Numerics/Evaluation/Code", "src/Numerics/Evaluation/MathReasoning", "src/Numerics/Evaluation/Translation"];

    /// <summary>Files in those folders that are the documented host side: disk formats, reports, requests.</summary>
    private static readonly string[] HostSide =
    [
        "MaskFile.cs", "TensorCodec.cs", "PrunedModelWriter.cs", "SubModelExport.cs", "PruningReport.cs", "PruneRequest.cs", "PruneSpec.cs",
        "LocalPruneJob.cs", "ModelConfig.cs", "ModelConfigLoader.cs", "ModelConfigException.cs", "RopeScaling.cs", "SparsityPattern.cs",
        "StatisticsKind.cs", "PruningMethod.cs", "ModelOptions.cs",
    ];

    /// <summary>Tensor methods that bring values to the host.</summary>
    private static readonly HashSet<string> HostReads =
    [
        "item", "cpu", "data", "numpy", "ToSingle", "ToDouble", "ToHalf", "ToBFloat16", "ToByte", "ToInt16", "ToInt32", "ToInt64",
        "ToBoolean", "ToScalar", "ToArray", "ToComplexFloat32", "ToComplexFloat64",
    ];

    private static readonly CSharpParseOptions Parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);

    private static readonly Lazy<(CSharpCompilation Compilation, List<SyntaxTree> Loop)> Compiled = new(Compile);

    [Fact]
    public void TheLoopReadsNothingBackAndMakesNoHostTensorBeyondTheDocumentedTransfers()
    {
        var offenders = Find().Where(h => !h.Documented).Select(h => $"{h.Where}: {h.Call}").ToList();
        Assert.True(offenders.Count == 0, "host reads or host tensors in the layer loop without a '// host:' reason:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheCheckFindsAHostReadAndAFactoryWithoutADevice()
    {
        // The check itself must be able to fail: a loop-shaped method with a stray read and a host tensor.
        const string stray = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Stray
            {
                static float Sum(Tensor x)
                {
                    var ones = zeros(3, ScalarType.Float32);
                    var onDevice = zeros(3, ScalarType.Float32, x.device);
                    // host: the documented one
                    float kept = x.sum().item<float>();
                    return (x + ones + onDevice).sum().item<float>() + kept + x.cpu().ToSingle();
                }
            }
            """;
        var hits = Scan(CSharpSyntaxTree.ParseText(stray, Parse, "Stray.cs", cancellationToken: TestContext.Current.CancellationToken)).ToList();
        Assert.Equal(["ToSingle", "cpu", "item", "zeros"], hits.Where(h => !h.Documented).Select(h => h.Call).Order(StringComparer.Ordinal).ToList());
        Assert.Single(hits, h => h.Documented);
    }

    private static IEnumerable<(string Where, string Call, bool Documented)> Find() => Compiled.Value.Loop.SelectMany(t => Scan(t, Compiled.Value.Compilation));

    private static IEnumerable<(string Where, string Call, bool Documented)> Scan(SyntaxTree tree)
    {
        var compilation = Compiled.Value.Compilation.AddSyntaxTrees(tree);
        var errors = compilation.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return Scan(tree, compilation).ToList();
    }

    private static IEnumerable<(string Where, string Call, bool Documented)> Scan(SyntaxTree tree, CSharpCompilation compilation)
    {
        var model = compilation.GetSemanticModel(tree);
        var lines = tree.GetText().Lines;
        foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetOperation(invocation) is not IInvocationOperation op || !IsHostCall(op))
            {
                continue;
            }

            int line = invocation.GetLocation().GetLineSpan().StartLinePosition.Line;
            bool documented = lines[line].ToString().Contains("// host:", StringComparison.Ordinal)
                || (line > 0 && lines[line - 1].ToString().TrimStart().StartsWith("// host:", StringComparison.Ordinal));
            yield return ($"{Path.GetFileName(tree.FilePath)}:{line + 1}", op.TargetMethod.Name, documented);
        }
    }

    // A host read, or a torch factory called without its device.
    private static bool IsHostCall(IInvocationOperation op)
    {
        var method = op.TargetMethod;
        var type = method.ContainingType?.ToDisplayString() ?? "";
        // An extension call's target is the static method, its receiver the first parameter.
        var receiver = (method.IsExtensionMethod ? (method.ReducedFrom ?? method).Parameters[0].Type : method.ContainingType)?.ToDisplayString() ?? "";
        if (receiver == "TorchSharp.torch.Tensor" && HostReads.Contains(method.Name))
        {
            return true;
        }

        if (method.Name == "ToTensor" && type.StartsWith("TorchSharp", StringComparison.Ordinal))
        {
            return true; // an array made into a host tensor
        }

        if (type == "TorchSharp.torch" && !method.Name.EndsWith("_like", StringComparison.Ordinal)
            && method.Parameters.Any(p => p.Name == "device"))
        {
            return op.Arguments.Any(a => a.Parameter?.Name == "device" && a.ArgumentKind == ArgumentKind.DefaultValue);
        }

        return false;
    }

    private static (CSharpCompilation, List<SyntaxTree>) Compile()
    {
        var root = Shear.Tests.Shared.TestRepo.Root;
        var numerics = Path.Combine(root, "src", "Numerics");
        var trees = Directory.EnumerateFiles(numerics, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f))
            .ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).StartsWith("Shear.", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName)
            .Select(p => MetadataReference.CreateFromFile(p));
        var global = CSharpSyntaxTree.ParseText("global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading; global using System.Threading.Tasks;", Parse);
        var compilation = CSharpCompilation.Create("NumericsUnderTest", [.. trees, global], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        // Source generators (GeneratedRegex, LibraryImport) do not run here: their partial methods have no body (CS8795).
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(5).ToList();
        Assert.True(errors.Count == 0, "Numerics' sources did not compile for the check:\n" + string.Join("\n", errors));
        var loop = trees.Where(t => LoopFolders.Any(f => Path.GetDirectoryName(t.FilePath) == Path.Combine(root, f)) && !HostSide.Contains(Path.GetFileName(t.FilePath))).ToList();
        Assert.True(loop.Count > 20, $"only {loop.Count} loop files found under {root}");
        return (compilation, loop);
    }
}
