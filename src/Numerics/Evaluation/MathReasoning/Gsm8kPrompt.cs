using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Shear.Numerics.Data;

namespace Shear.Numerics.Evaluation.MathReasoning;

/// <summary>
/// GSM8K as the thesis (a copy of GSM8K-eval) scores it (ANCHORS §2.6): 8 chain-of-thought exemplars reshuffled for
/// every question by one CPython <c>random</c> seeded 42, answers read after "the answer is" (else the last number),
/// gold after <c>####</c>, compared as strings.
/// </summary>
public sealed partial class Gsm8kPrompt
{
    /// <summary>The trigger the exemplars end with.</summary>
    public const string AnswerTrigger = "The answer is";

    /// <summary>What an unreadable answer becomes.</summary>
    public const string Invalid = "[invalid]";

    private static readonly (string Question, string Chain, string Answer)[] Exemplars =
    [
        ("There are 15 trees in the grove. Grove workers will plant trees in the grove today. After they are done, there will be 21 trees. How many trees did the grove workers plant today?",
            "There are 15 trees originally. Then there were 21 trees after some more were planted. So there must have been 21 - 15 = 6.", "6"),
        ("If there are 3 cars in the parking lot and 2 more cars arrive, how many cars are in the parking lot?",
            "There are originally 3 cars. 2 more cars arrive. 3 + 2 = 5.", "5"),
        ("Leah had 32 chocolates and her sister had 42. If they ate 35, how many pieces do they have left in total?",
            "Originally, Leah had 32 chocolates. Her sister had 42. So in total they had 32 + 42 = 74. After eating 35, they had 74 - 35 = 39.", "39"),
        ("Jason had 20 lollipops. He gave Denny some lollipops. Now Jason has 12 lollipops. How many lollipops did Jason give to Denny?",
            "Jason started with 20 lollipops. Then he had 12 after giving some to Denny. So he gave Denny 20 - 12 = 8.", "8"),
        ("Shawn has five toys. For Christmas, he got two toys each from his mom and dad. How many toys does he have now?",
            "Shawn started with 5 toys. If he got 2 toys each from his mom and dad, then that is 4 more toys. 5 + 4 = 9.", "9"),
        ("There were nine computers in the server room. Five more computers were installed each day, from monday to thursday. How many computers are now in the server room?",
            "There were originally 9 computers. For each of 4 days, 5 more computers were added. So 5 * 4 = 20 computers were added. 9 + 20 is 29.", "29"),
        ("Michael had 58 golf balls. On tuesday, he lost 23 golf balls. On wednesday, he lost 2 more. How many golf balls did he have at the end of wednesday?",
            "Michael started with 58 golf balls. After losing 23 on tuesday, he had 58 - 23 = 35. After losing 2 more, he had 35 - 2 = 33 golf balls.", "33"),
        ("Olivia has $23. She bought five bagels for $3 each. How much money does she have left?",
            "Olivia had 23 dollars. 5 bagels for 3 dollars each will be 5 x 3 = 15 dollars. So she has 23 - 15 dollars left. 23 - 15 is 8.", "8"),
    ];

    private readonly PythonRandom _random;

    /// <summary>Starts the exemplar shuffles from <c>random.seed(seed)</c> (the reference seeds 42 once).</summary>
    public Gsm8kPrompt(long seed = 42) => _random = new PythonRandom(seed);

    /// <summary>The order the next prompt will use, consuming the shuffle (CPython's <c>random.shuffle</c>).</summary>
    public int[] NextOrder()
    {
        var order = Enumerable.Range(0, Exemplars.Length).ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)_random.RandInt(0, i);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>The 8-shot prompt for <paramref name="question"/>, with a fresh exemplar order.</summary>
    public string Build(string question)
    {
        var text = new StringBuilder();
        foreach (int i in NextOrder())
        {
            var (q, chain, a) = Exemplars[i];
            text.Append(CultureInfo.InvariantCulture, $"Q: {q}\nA: {chain} {AnswerTrigger} {a}.\n\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"Q: {question}\nA:").ToString();
    }

    /// <summary>
    /// The model's answer (<c>clean_answer</c>): lowercase; after the first "the answer is" take the first number,
    /// else the last number of the text; commas removed, a trailing '.' stripped.
    /// </summary>
    public static string CleanAnswer(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var text = completion.ToLowerInvariant();
        var parts = text.Split(AnswerTrigger.ToLowerInvariant());
        bool triggered = parts.Length > 1;
        var numbers = Number().Matches((triggered ? parts[1] : parts[0]).Replace(",", "", StringComparison.Ordinal)).Select(m => m.Value).ToList();
        if (numbers.Count == 0)
        {
            return Invalid;
        }

        var answer = triggered ? numbers[0] : numbers[^1];
        return answer.EndsWith('.') ? answer[..^1] : answer;
    }

    /// <summary>The gold answer after <c>####</c>, commas removed, or <see cref="Invalid"/>.</summary>
    public static string GoldAnswer(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var m = Gold().Match(answer);
        return m.Success ? m.Groups[1].Value.Trim().Replace(",", "", StringComparison.Ordinal) : Invalid;
    }

    /// <summary>String equality, as the reference (so "18.0" is not "18").</summary>
    public static bool IsCorrect(string completion, string goldAnswer) => CleanAnswer(completion) == GoldAnswer(goldAnswer);

    [GeneratedRegex(@"-?\d+\.?\d*")]
    private static partial Regex Number();

    [GeneratedRegex(@"#### (\-?[0-9\.\,]+)")]
    private static partial Regex Gold();
}
