using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace ScenarioLang.Cli.Commands;

/// <summary>How kscn reads the values of its arguments and options, with messages that say what is expected in words.</summary>
internal static class Parsers
{
    /// <summary>
    /// The files or directories a verb takes. A token that starts with '-' is never taken for one: it is left unmatched,
    /// so that System.CommandLine reports an unknown option, with the closest known one ('--varient': did you mean
    /// '--variant'?), instead of kscn looking for a file of that name (name such a file ./-x).
    /// </summary>
    /// <remarks>
    /// A list even for one file (kscn emit): System.CommandLine 2.0.0 fails with an exception of its own when a
    /// single-valued argument is left no token, and the command checks the count instead.
    /// </remarks>
    public static Argument<string[]> Paths(string name, string description, ArgumentArity arity)
    {
        var paths = new Argument<string[]>(name) { Description = description, Arity = arity };
        // In a validator, not a custom parser: the library takes an error added while a custom parser runs (here,
        // for the tokens passed on) for a failure to parse the files too, and would report that as well.
        paths.Validators.Add(result =>
        {
            if (result.Tokens.ToList().FindIndex(t => LooksLikeAnOption(t.Value)) is var first and >= 0)
                result.OnlyTake(first);
        });
        return paths;
    }

    private static bool LooksLikeAnOption(string token) => token.Length > 1 && token[0] == '-';

    /// <summary>An option's whole number, or an error naming the option and what it takes.</summary>
    public static int WholeNumber(ArgumentResult result) => Number<int>(result, NumberStyles.AllowLeadingSign, "a whole number");

    /// <summary>An option's number of seconds (any decimal number; its range is the command's to check), or an error.</summary>
    public static double Seconds(ArgumentResult result) => Number<double>(result, NumberStyles.Float, "a number of seconds");

    private static T Number<T>(ArgumentResult result, NumberStyles styles, string what) where T : INumber<T>
    {
        var text = result.Tokens.Single().Value;
        if (T.TryParse(text, styles, CultureInfo.InvariantCulture, out var value))
            return value;
        result.AddError($"{OptionName(result)} takes {what}, not '{text}'");
        return T.Zero;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
