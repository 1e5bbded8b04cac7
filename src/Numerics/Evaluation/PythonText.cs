using System.Globalization;
using System.Numerics;
using System.Text;

namespace Shear.Numerics.Evaluation;

/// <summary>
/// Python's semantics where the reference implementations (NLTK, lm-eval, the thesis's scripts) depend on them and
/// .NET's differ: <c>round(x, n)</c> on the exact binary value, and <c>str.lower()</c> with full case mapping.
/// </summary>
public static class PythonText
{
    /// <summary>
    /// Python's <c>round(x, digits)</c>: half-even on the exact value of the double (0.12625 is 0.1262500000000000011...
    /// in binary, so it rounds up to 0.1263, where .NET's <c>Math.Round(x, 4, ToEven)</c> scales first and gives 0.1262).
    /// </summary>
    public static double Round(double x, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        if (!double.IsFinite(x) || x == 0)
        {
            return x;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1; // subnormal
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075; // x = mantissa x 2^exponent
        var scale = BigInteger.Pow(10, digits);
        BigInteger numerator = mantissa * scale, denominator = BigInteger.One;
        if (exponent >= 0)
        {
            numerator <<= exponent;
        }
        else
        {
            denominator <<= -exponent;
        }

        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        // The nearest double to quotient / 10^digits, as Python's correctly rounded string conversion gives.
        double result = double.Parse(quotient.ToString(CultureInfo.InvariantCulture) + "E-" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return negative ? -result : result;
    }

    /// <summary>
    /// Python's <c>str.lower()</c>: Unicode full lowercase mapping, so U+0130 (I with dot above) becomes "i" + U+0307, and a
    /// capital sigma at the end of a word becomes final sigma (U+03C2); other characters as .NET's invariant mapping.
    /// </summary>
    public static string Lower(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u0130')
            {
                result.Append("i\u0307");
            }
            else if (c == '\u03A3')
            {
                result.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            }
            else
            {
                result.Append(char.ToLowerInvariant(c));
            }
        }

        return result.ToString();
    }

    // Unicode's Final_Sigma condition (as CPython applies it): a cased letter before (skipping case-ignorable ones) and
    // none after.
    private static bool IsFinalSigma(string text, int at)
    {
        int before = at - 1;
        while (before >= 0 && IsCaseIgnorable(text[before]))
        {
            before--;
        }

        if (before < 0 || !IsCased(text[before]))
        {
            return false;
        }

        int after = at + 1;
        while (after < text.Length && IsCaseIgnorable(text[after]))
        {
            after++;
        }

        return after == text.Length || !IsCased(text[after]);
    }

    private static bool IsCased(char c) => char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol || c is '\'' or '.' or ':' or '\u00B7' or '\u2019';
}
