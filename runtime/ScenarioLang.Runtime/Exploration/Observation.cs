
namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// The conditions of one quantified expectation observed once: each subject's value, whether all of them hold, and
/// the first reason a subject could not be observed.
/// </summary>
internal sealed record Observation(IReadOnlyList<(string Subject, string Value)> Values, bool Holds, string? Error)
{
    public static Observation Of(ReadOnlySpan<Condition> conditions, Observations observations)
    {
        var values = new List<(string, string)>(conditions.Length);
        var holds = true;
        string? error = null;
        foreach (var condition in conditions)
        {
            try
            {
                var value = condition.Observe(observations);
                var right = condition.Right is { } r ? r.Observe(observations) : null;
                values.Add((condition.Subject, value));
                if (right is not null)
                    values.Add((condition.Right!.Value.Subject, right));
                holds &= condition.Holds(observations);
            }
            catch (NotModelledException e)
            {
                values.Add((condition.Subject, "?"));
                if (condition.Right is { } r)
                    values.Add((r.Subject, "?"));
                holds = false;
                error ??= e.Message;
            }
        }
        return new Observation(values, holds, error);
    }

    /// <summary>Whether the expectation is satisfied in this execution: never wants the conditions not to hold.</summary>
    public bool Satisfies(Quantifier quantifier) => quantifier == Quantifier.Never ? !Holds : Holds;

    /// <summary>Herd-style: <c>r0=0; r1=1</c>. Every execution of an explore block makes one: built in one buffer.</summary>
    public static string Format(IEnumerable<(string Subject, string Value)> values)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (subject, value) in values)
        {
            if (text.Length > 0)
                text.Append("; ");
            text.Append(subject).Append('=').Append(value);
        }
        return text.ToString();
    }
}
