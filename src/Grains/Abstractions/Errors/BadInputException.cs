namespace Shear.Grains.Abstractions.Errors;

/// <summary>
/// The user's input is at fault (a dataset that cannot be read, a checkpoint that does not match its config, a value
/// out of range): never retried, shown to the user as its one-line message. Anything else that fails a piece of work
/// is treated as transient and retried (the grains' one retry policy) before the work is marked failed.
/// </summary>
[GenerateSerializer, Alias("shear.v1.BadInputException")]
public sealed class BadInputException : Exception
{
    /// <summary>An input error with its one-line message (it names the file, field or value).</summary>
    public BadInputException(string message)
        : base(message)
    {
    }

    /// <summary>An input error without a message.</summary>
    public BadInputException()
    {
    }

    /// <summary>An input error caused by <paramref name="inner"/>.</summary>
    public BadInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
