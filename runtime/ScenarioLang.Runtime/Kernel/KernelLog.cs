using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>What the kernel did inside the current step, in a reviewer's words; the trace prints it under the step.</summary>
public sealed class KernelLog(StateTracker tracker)
{
    private readonly RewindableList<string> _notes = new(tracker);

    public void Note(string text) => _notes.Add(text);

    /// <summary>Returns the notes written since the last call and starts a new step.</summary>
    public IReadOnlyList<string> Take()
    {
        var notes = _notes.ToArray();
        _notes.Clear();
        return notes;
    }
}
