using System.Globalization;
using SkiaSharp;
using Shear.Numerics.IO;

namespace Shear.Numerics.Analysis;

/// <summary>A white RGBA picture to draw on with SkiaSharp, written as PNG (atomically).</summary>
internal sealed class Canvas : IDisposable
{
    private readonly SKBitmap bitmap;
    private readonly SKFont font;

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

    /// <summary>Text; <paramref name="align"/> -1 left, 0 centre, 1 right of <paramref name="x"/>; y is the baseline.</summary>
    public void Text(string text, float x, float y, int align = -1, float size = 13, SKColor? color = null)
    {
        using var paint = new SKPaint { Color = color ?? SKColors.Black, IsAntialias = true };
        font.Size = size;
        var textAlign = align switch { < 0 => SKTextAlign.Left, 0 => SKTextAlign.Center, _ => SKTextAlign.Right };
        Sk.DrawText(text, x, y, textAlign, font, paint);
    }

    /// <summary>Copies raw RGBA pixels into a region.</summary>
    public void Blit(int x, int y, int w, int h, byte[] rgba)
    {
        using var image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), rgba);
        Sk.DrawImage(image, x, y, new SKSamplingOptions(SKFilterMode.Nearest), null);
    }

    public void SavePng(string path)
    {
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
