using System.Globalization;

namespace Shear.Numerics.Data.Builtin;

/// <summary>GSM8K-format word problems from seeded templates: a question and a step-by-step answer ending <c>#### N</c>.</summary>
public static class MathCorpus
{
    private static readonly string[] Names = ["Natalia", "Weng", "Betty", "Julie", "James", "Albert", "Mark", "Tina", "Ken", "Alexis", "Randy", "Joy"];
    private static readonly string[] Items = ["apples", "clips", "books", "marbles", "cookies", "pencils", "stickers", "eggs", "cards", "shells"];

    /// <summary><paramref name="count"/> problems drawn with CPython's random seeded by <paramref name="seed"/>.</summary>
    public static List<(string Question, string Answer)> Problems(int count, long seed)
    {
        var rng = new PythonRandom(seed);
        var result = new List<(string, string)>(count);
        for (int i = 0; i < count; i++)
        {
            string name = Names[rng.RandInt(0, Names.Length - 1)];
            string item = Items[rng.RandInt(0, Items.Length - 1)];
            result.Add(rng.RandInt(0, 4) switch
            {
                0 => BuyAndGive(rng, name, item),
                1 => Half(rng, name, item),
                2 => Rate(rng, name),
                3 => Groups(rng, name, item),
                _ => Price(rng, name, item),
            });
        }

        return result;
    }

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static (string, string) BuyAndGive(PythonRandom r, string name, string item)
    {
        long a = r.RandInt(5, 60), b = r.RandInt(2, 40), c = r.RandInt(1, a + b - 1);
        return ($"{name} has {N(a)} {item}. {name} buys {N(b)} more {item} and then gives {N(c)} {item} to a friend. How many {item} does {name} have now?",
            $"After buying, {name} has {N(a)} + {N(b)} = <<{N(a)}+{N(b)}={N(a + b)}>>{N(a + b)} {item}.\nAfter giving some away, {name} has {N(a + b)} - {N(c)} = <<{N(a + b)}-{N(c)}={N(a + b - c)}>>{N(a + b - c)} {item}.\n#### {N(a + b - c)}");
    }

    private static (string, string) Half(PythonRandom r, string name, string item)
    {
        long a = 2 * r.RandInt(3, 50);
        return ($"{name} sold {N(a)} {item} in April, and then sold half as many {item} in May. How many {item} did {name} sell altogether in April and May?",
            $"{name} sold {N(a)}/2 = <<{N(a)}/2={N(a / 2)}>>{N(a / 2)} {item} in May.\n{name} sold {N(a)} + {N(a / 2)} = <<{N(a)}+{N(a / 2)}={N(a + (a / 2))}>>{N(a + (a / 2))} {item} altogether in April and May.\n#### {N(a + (a / 2))}");
    }

    private static (string, string) Rate(PythonRandom r, string name)
    {
        long rate = r.RandInt(6, 30), hours = r.RandInt(2, 9);
        return ($"{name} earns ${N(rate)} an hour for babysitting. Yesterday, {name} did {N(hours)} hours of babysitting. How much did {name} earn?",
            $"{name} earns {N(rate)} * {N(hours)} = <<{N(rate)}*{N(hours)}={N(rate * hours)}>>{N(rate * hours)} dollars.\n#### {N(rate * hours)}");
    }

    private static (string, string) Groups(PythonRandom r, string name, string item)
    {
        long per = r.RandInt(2, 12), boxes = r.RandInt(2, 15), extra = r.RandInt(0, 9);
        long total = (per * boxes) + extra;
        return ($"{name} packs {N(per)} {item} in each box and fills {N(boxes)} boxes. {N(extra)} {item} are left over. How many {item} did {name} start with?",
            $"The boxes hold {N(per)} * {N(boxes)} = <<{N(per)}*{N(boxes)}={N(per * boxes)}>>{N(per * boxes)} {item}.\nWith the leftovers there were {N(per * boxes)} + {N(extra)} = <<{N(per * boxes)}+{N(extra)}={N(total)}>>{N(total)} {item}.\n#### {N(total)}");
    }

    private static (string, string) Price(PythonRandom r, string name, string item)
    {
        long price = r.RandInt(2, 20), count = r.RandInt(2, 12), paid = (price * count) + r.RandInt(1, 30);
        long change = paid - (price * count);
        return ($"{name} buys {N(count)} {item} that cost ${N(price)} each and pays with ${N(paid)}. How much change does {name} get?",
            $"The {item} cost {N(count)} * {N(price)} = <<{N(count)}*{N(price)}={N(price * count)}>>{N(price * count)} dollars.\nThe change is {N(paid)} - {N(price * count)} = <<{N(paid)}-{N(price * count)}={N(change)}>>{N(change)} dollars.\n#### {N(change)}");
    }
}
