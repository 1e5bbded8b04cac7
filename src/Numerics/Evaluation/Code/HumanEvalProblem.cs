using Shear.Numerics.Data;
using Shear.Numerics.Data.Registry;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// A HumanEval problem in openai's format (<c>test</c> defines <c>check(candidate)</c>) or DeepSeek's
/// <c>humaneval-python.jsonl</c> variant (task ids <c>Python/N</c>, <c>test</c> already ends with <c>check(fn)</c>).
/// </summary>
/// <param name="TaskId">HumanEval/N or Python/N.</param>
/// <param name="Prompt">Signature and docstring.</param>
/// <param name="CanonicalSolution">The reference body.</param>
/// <param name="Test">The test code.</param>
/// <param name="EntryPoint">The function under test.</param>
public sealed record HumanEvalProblem(string TaskId, string Prompt, string CanonicalSolution, string Test, string EntryPoint)
{
    /// <summary>DeepSeek's imports, put before each program of its variant.</summary>
    public static readonly string[] ImportHelper =
    [
        "import math", "import re", "import sys", "import copy", "import datetime", "import itertools", "import collections", "import heapq",
        "import functools", "import hashlib", "import numpy", "import numpy as np", "import string", "from typing import *", "from collections import *",
    ];

    /// <summary>Whether this is DeepSeek's variant.</summary>
    public bool IsDeepSeek => TaskId.StartsWith("Python/", StringComparison.Ordinal);

    /// <summary>Loads problems from a .jsonl / .jsonl.gz file.</summary>
    /// <exception cref="DataFormatException">A row without a field (named with its line).</exception>
    public static List<HumanEvalProblem> Load(string path)
    {
        var problems = new List<HumanEvalProblem>();
        foreach (var (line, row) in RowReader.Read(path))
        {
            try
            {
                string F(string name) => Templates.Str(row, name);
                problems.Add(new HumanEvalProblem(F("task_id"), F("prompt"), F("canonical_solution"), F("test"), F("entry_point")));
            }
            catch (KeyNotFoundException e)
            {
                throw new DataFormatException(path, $"line {line}: {e.Message}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The program that checks a completion (the text generated after the prompt). openai: prompt + completion + test +
    /// <c>check(entry_point)</c>; DeepSeek: imports + prompt + completion + its test (which calls check itself).
    /// </summary>
    public string Program(string completion) => IsDeepSeek
        ? $"{string.Join("\n", ImportHelper)}\n{Prompt}{completion}\n{Test}\n"
        : $"{Prompt}{completion}\n{Test}\ncheck({EntryPoint})\n";

    /// <summary>DeepSeek's post-processing: cut the completion at the first of <c>\ndef \nclass \nif \n# \nprint</c>.</summary>
    public static string Truncate(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        int cut = completion.Length;
        foreach (var stop in new[] { "\ndef", "\nclass", "\nif", "\n#", "\nprint" })
        {
            int i = completion.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && i < cut)
            {
                cut = i;
            }
        }

        return completion[..cut];
    }
}
