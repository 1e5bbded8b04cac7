namespace Shear.Client.Tests.BadInput;

/// <summary>
/// Every case of the bad-input corpus, through the in-process CLI: exit code 2, exactly one line on stderr that starts
/// with <c>error: </c> and names the offending item, and the workspace (inputs and the would-be output) unchanged.
/// </summary>
public sealed class BadInputCorpusTests
{
    public static TheoryData<string> CaseNames() => [.. BadInputCases.Cases.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void TheCorpusHasAtLeast150CasesAcrossEveryKindOfInput()
    {
        var names = BadInputCases.Cases.Keys.ToList();
        Assert.True(names.Count >= 150, $"{names.Count} cases");
        foreach (var kind in new[] { "checkpoint/", "config/", "tokenizer/", "dataset/", "prune/", "eval/", "sweep/", "masks/" })
        {
            Assert.True(names.Count(n => n.StartsWith(kind, StringComparison.Ordinal)) >= 5, $"few {kind} cases");
        }
    }

    [Fact]
    public void TheUnspoiledWorkspaceRuns()
    {
        // The control: the same command lines on the untouched copies succeed, so each case fails for its one change.
        var w = new Workspace();
        var (code, stdout, stderr) = Cli.Shear(BadInputCases.Prune(w));
        Assert.True(code == 0, stdout + stderr);
        var e = new Workspace();
        (code, stdout, stderr) = Cli.Shear(BadInputCases.Eval(e));
        Assert.True(code == 0, stdout + stderr);
        (code, stdout, stderr) = Cli.Shear("compare", Path.Combine(MaskSource.Folder, "wanda"), Path.Combine(MaskSource.Folder, "magnitude"), "--out", w.P("report"));
        Assert.True(code == 0, stdout + stderr);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void IsOneLineExitTwoAndChangesNothing(string name)
    {
        var w = new Workspace();
        var test = BadInputCases.Cases[name];
        var args = test.Run(w);
        var before = w.Snapshot();
        var (code, _, stderr) = Cli.Shear(args);
        var lines = stderr.TrimEnd('\n').Split('\n');
        Assert.True(code == 2 && lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"exit {code}: {stderr}");
        Assert.True(lines[0].Contains(test.Names, StringComparison.Ordinal), $"the line does not name '{test.Names}': {lines[0]}");
        Assert.Equal(before, w.Snapshot());
    }
}
