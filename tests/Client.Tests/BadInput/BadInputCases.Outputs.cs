namespace Shear.Client.Tests.BadInput;

/// <summary>
/// Output folders: <c>--overwrite</c> replaces only an empty folder or a Shear output of the same kind, never a
/// folder of the user's; <c>export</c> never writes into, over or around what it reads; <c>inspect</c> checks every
/// tensor's byte range against its shape and dtype.
/// </summary>
internal static partial class BadInputCases
{
    private static void Outputs()
    {
        // A folder a person made: two files and no Shear marker.
        string Mine(Workspace w, string folder)
        {
            w.Write($"{folder}/thesis.tex", "chapter one");
            w.Write($"{folder}/data.csv", "a,b\n1,2\n");
            return w.P(folder);
        }

        Add("prune/overwrite-a-users-folder", w =>
        {
            Mine(w, "out");
            return Prune(w, "--overwrite", "");
        }, "Shear did not make");
        Add("prune/overwrite-a-report", w =>
        {
            w.Write("out/.shear-output", "report\n");
            w.Write("out/report.html", "<html></html>");
            return Prune(w, "--overwrite", "");
        }, "holds a Shear report output");
        Add("masks/overwrite-a-users-folder", w =>
            ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--out", Mine(w, "report"), "--overwrite"], "Shear did not make");
        Add("masks/overwrite-a-sub-model", w =>
        {
            var pruned = Masks(w, "c", "magnitude");
            return ["compare", Masks(w, "a", "wanda"), Masks(w, "b", "magnitude"), "--out", pruned, "--overwrite"];
        }, "holds a Shear sub-model output");
        Add("export/overwrite-a-users-folder", w => ["export", Masks(w, "sub", "wanda-masks"), "--out", Mine(w, "hf"), "--overwrite"], "Shear did not make");
        Add("export/out-inside-the-sub-model", w =>
        {
            var sub = Masks(w, "sub", "wanda-masks");
            return ["export", sub, "--out", Path.Combine(sub, "inner")];
        }, "is, is inside or holds the input");
        Add("export/out-the-sub-model", w =>
        {
            var sub = Masks(w, "sub", "wanda-masks");
            return ["export", sub, "--out", sub, "--overwrite"];
        }, "is, is inside or holds the input");
        Add("export/out-holding-the-sub-model", w =>
        {
            Workspace.Copy(Path.Combine(MaskSource.Folder, "wanda-masks"), w.P("outer/sub"));
            return ["export", w.P("outer/sub"), "--out", w.P("outer"), "--overwrite"];
        }, "is, is inside or holds the input");
        Add("train-tiny/out-a-users-folder", w => ["train-tiny", "--out", Mine(w, "tiny"), "--steps", "1"], "Shear did not make");
        Add("data/build-builtin-over-a-users-folder", w =>
        {
            Mine(w, "data/builtin_math");
            return ["data", "build-builtin", "--out", w.P("data")];
        }, "builtin_math");
        Add("inspect/shape-past-every-file", w =>
        {
            // F32 [2^32, 2^32] over a 0-byte range: the element count overflows a long and wraps to 0.
            w.EditWeights(h => h["extra"] = new System.Text.Json.Nodes.JsonObject
            {
                ["dtype"] = "F32", ["shape"] = new System.Text.Json.Nodes.JsonArray(4294967296L, 4294967296L), ["data_offsets"] = new System.Text.Json.Nodes.JsonArray(0, 0),
            });
            return ["inspect", "--model", w.Model];
        }, "extra");
    }
}
