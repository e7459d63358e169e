using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>What the kernel did inside the current step, in a reviewer's words; the trace prints it under the step.</summary>
public sealed class KernelLog : IBlockState
{
    private readonly List<string> _notes = [];
    [Bookkeeping]
    private string[] _saved = [];

    public void Note(string text) => _notes.Add(text);

    void IBlockState.Save() => _saved = [.. _notes];

    void IBlockState.Rewind()
    {
        _notes.Clear();
        _notes.AddRange(_saved);
    }

    /// <summary>Returns the notes written since the last call and starts a new step.</summary>
    public IReadOnlyList<string> Take()
    {
        var notes = _notes.ToArray();
        _notes.Clear();
        return notes;
    }
}
