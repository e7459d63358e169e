using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>refcount_t (include/linux/refcount.h): saturating, and it warns on misuse instead of wrapping.</summary>
public sealed class Refcount
{
    private readonly KernelHeap _heap;
    private readonly KernelObject _owner;
    private readonly Tracked<int> _value;

    public Refcount(KernelHeap heap, KernelObject owner, int initial)
    {
        _heap = heap;
        _owner = owner;
        _value = new(heap.Tracker, owner.Field("refcnt"), initial);
    }

    public int Value
    {
        get => _value.Value;
        private set => _value.Value = value;
    }

    // include/linux/refcount.h: refcount_set()
    public void Set(int value) => Value = value;

    // include/linux/refcount.h: refcount_inc()
    public void Inc(string site)
    {
        if (Value == 0)
        {
            _heap.Report(FindingKind.RefcountMisuse, _owner, $"refcount_t: addition on 0; use-after-free ({_owner} in {site})");
            return;
        }
        Value++;
    }

    // include/linux/refcount.h: refcount_dec_and_test()
    public bool DecAndTest(string site)
    {
        if (Value == 0)
        {
            _heap.Report(FindingKind.RefcountMisuse, _owner, $"refcount_t: underflow; use-after-free ({_owner} in {site})");
            return false;
        }
        Value--;
        return Value == 0;
    }
}
