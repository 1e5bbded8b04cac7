using System.Globalization;
using SkiaSharp;
using Shear.Numerics.IO;

namespace Shear.Numerics.Analysis;

/// <summary>
/// A white RGBA picture to draw on with SkiaSharp, written as PNG (atomically). Layouts size pictures from
/// <see cref="Measure"/>; every text drawn is checked against the picture's edges, and the texts that would be cut
/// off are listed in <see cref="Clipped"/> (and, for tests, in <see cref="LastSavedClipped"/> once saved).
/// </summary>
internal sealed class Canvas : IDisposable
{
    private readonly SKBitmap bitmap;
    private readonly SKFont font;
    private readonly List<string> clipped = [];

    /// <summary>The texts cut off in the last picture this thread saved.</summary>
    [ThreadStatic]
    public static IReadOnlyList<string>? LastSavedClipped;

    public Canvas(int width, int height)
    {
        bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        Sk = new SKCanvas(bitmap);
        Sk.Clear(SKColors.White);
        font = new SKFont(Typeface.Value ?? SKTypeface.Default, 13);
    }

    /// <summary>Font files tried in order (SkiaSharp's no-dependency build has no font manager of its own).</summary>
    public static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
    ];

    private static readonly Lazy<SKTypeface?> Typeface = new(() => FontFiles.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(t => t is not null));

    /// <summary>Whether labels can be drawn (a font file was found; else pictures have no text: apt-get install fonts-dejavu-core).</summary>
    public static bool HasFont => Typeface.Value is not null;

    public SKCanvas Sk { get; }

    public int Width => bitmap.Width;

    public int Height => bitmap.Height;

    /// <summary>Fills a rectangle with a solid colour (no anti-aliasing, so pixels are exact).</summary>
    public void Fill(float x, float y, float w, float h, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
        Sk.DrawRect(x, y, w, h, paint);
    }

    public void Line(float x0, float y0, float x1, float y1, SKColor color, float width = 1, bool dashed = false)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = width, IsAntialias = false, Style = SKPaintStyle.Stroke };
        if (dashed)
        {
            paint.PathEffect = SKPathEffect.CreateDash([6, 4], 0);
        }

        Sk.DrawLine(x0, y0, x1, y1, paint);
    }

    /// <summary>Texts that fall partly outside the picture.</summary>
    public IReadOnlyList<string> Clipped => clipped;

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="size"/> (without a font: 0.6 em per character, an upper bound for sans fonts).</summary>
    public static float Measure(string text, float size = 13)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Typeface.Value is not { } face)
        {
            return 0.6f * size * text.Length;
        }

        using var f = new SKFont(face, size);
        return f.MeasureText(text);
    }

    /// <summary>Text; <paramref name="align"/> -1 left, 0 centre, 1 right of <paramref name="x"/>; y is the baseline.</summary>
    public void Text(string text, float x, float y, int align = -1, float size = 13, SKColor? color = null)
    {
        using var paint = new SKPaint { Color = color ?? SKColors.Black, IsAntialias = true };
        font.Size = size;
        var textAlign = align switch { < 0 => SKTextAlign.Left, 0 => SKTextAlign.Center, _ => SKTextAlign.Right };
        float w = Measure(text, size);
        float left = align < 0 ? x : align == 0 ? x - (w / 2) : x - w;
        Check(text, left, left + w, y - size, y + (size / 4));
        Sk.DrawText(text, x, y, textAlign, font, paint);
    }

    /// <summary>Text turned 90 degrees clockwise, reading downwards from (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void TextDown(string text, float x, float y, float size = 13)
    {
        float w = Measure(text, size);
        Check(text, x - (size / 4), x + size, y, y + w);
        Sk.Save();
        Sk.Translate(x, y);
        Sk.RotateDegrees(90);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        font.Size = size;
        Sk.DrawText(text, 0, 0, SKTextAlign.Left, font, paint);
        Sk.Restore();
    }

    private void Check(string text, float left, float right, float top, float bottom)
    {
        if (left < 0 || top < 0 || right > Width || bottom > Height)
        {
            clipped.Add(text);
        }
    }

    /// <summary>Copies raw RGBA pixels into a region.</summary>
    public void Blit(int x, int y, int w, int h, byte[] rgba)
    {
        using var image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), rgba);
        Sk.DrawImage(image, x, y, new SKSamplingOptions(SKFilterMode.Nearest), null);
    }

    public void SavePng(string path)
    {
        LastSavedClipped = [.. clipped];
        Sk.Flush();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        font.Dispose();
        Sk.Dispose();
        bitmap.Dispose();
    }
}
