using System.Text;

namespace Shear.Numerics.Evaluation.Code;

/// <summary>
/// Keeps the first <c>cap</c> bytes written to it and the last <c>tail</c> bytes (so a program printing gigabytes
/// cannot fill memory, and what it printed last, the harness's verdict line, is still seen).
/// </summary>
internal sealed class CappedText(int cap, int tail = 512) : Stream
{
    private readonly MemoryStream _kept = new();
    private readonly byte[] _tail = new byte[tail];
    private readonly Lock _gate = new();
    private long _written;

    /// <summary>The first bytes, as text.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString(_kept.ToArray());
            }
        }
    }

    /// <summary>The last bytes written, as text.</summary>
    public string Tail
    {
        get
        {
            lock (_gate)
            {
                int n = (int)Math.Min(_written, _tail.Length);
                var bytes = new byte[n];
                for (int i = 0; i < n; i++)
                {
                    bytes[i] = _tail[(int)((_written - n + i) % _tail.Length)];
                }

                return Encoding.UTF8.GetString(bytes);
            }
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _kept.Length;

    public override long Position { get => _kept.Length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate)
        {
            int room = (int)Math.Max(0, cap - _kept.Length);
            _kept.Write(buffer, offset, Math.Min(room, count));
            for (int i = Math.Max(0, count - _tail.Length); i < count; i++)
            {
                _tail[(int)((_written + i) % _tail.Length)] = buffer[offset + i];
            }

            _written += count;
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
