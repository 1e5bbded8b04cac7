using static TorchSharp.torch;

namespace Shear.Numerics.Checkpoints;

/// <summary>
/// Copies checkpoint tensors into a module's parameters by HF name, strictly: every parameter must be in the
/// checkpoint with the same shape, and (under the prefix) every checkpoint tensor must be used, unless ignorable.
/// </summary>
public static class StateDictLoader
{
    /// <summary>
    /// Loads <paramref name="module"/>'s parameters from <paramref name="reader"/>; each parameter <c>p</c> is read
    /// from <c>prefix + p</c> and converted to the parameter's dtype and device.
    /// </summary>
    /// <exception cref="CheckpointFormatException">Missing weights, shape mismatches or unexpected weights.</exception>
    public static void Load(nn.Module module, CheckpointReader reader, string prefix, Func<string, bool>? ignoreUnexpected = null)
    {
        var parameters = Check(module, reader, prefix, ignoreUnexpected);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            using var source = reader.Read(name);
            parameter.copy_(source);
        }
    }

    /// <summary>
    /// The checks of <see cref="Load"/> without reading a tensor: every parameter of <paramref name="module"/> (which
    /// may live on the meta device) is in the checkpoint under <paramref name="prefix"/> with its shape, and nothing
    /// else is there.
    /// </summary>
    /// <exception cref="CheckpointFormatException">Missing weights, shape mismatches or unexpected weights.</exception>
    public static List<(string Name, Tensor Parameter)> Check(nn.Module module, CheckpointReader reader, string prefix, Func<string, bool>? ignoreUnexpected = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(reader);
        var parameters = module.named_parameters().Select(p => (Name: prefix + p.name, (Tensor)p.parameter)).ToList();
        var missing = parameters.Where(p => !reader.Contains(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            throw new CheckpointFormatException(reader.Directory, $"state dict is missing {missing.Count} weight(s): {Summarize(missing)}");
        }

        var expected = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unexpected = reader.Names
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(n) && !(ignoreUnexpected?.Invoke(n) ?? false))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unexpected.Count > 0)
        {
            throw new CheckpointFormatException(reader.Directory, $"checkpoint has {unexpected.Count} weight(s) the model does not use: {Summarize(unexpected)}");
        }

        foreach (var (name, parameter) in parameters)
        {
            var entry = reader.Entry(name);
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new CheckpointFormatException(reader.Directory,
                    $"tensor '{name}' has shape [{string.Join(",", entry.Shape)}] but the model expects [{string.Join(",", parameter.shape)}]");
            }
        }

        return parameters;
    }

    private static string Summarize(List<string> names) =>
        names.Count <= 5 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(5))} and {names.Count - 5} more";
}
