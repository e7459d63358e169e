using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// refcount_t (include/linux/refcount.h): it warns on misuse instead of wrapping, and saturates: lib/refcount.c:
/// refcount_warn_saturate() sets it to <see cref="Saturated"/>, from where no decrement frees the object (it leaks on
/// purpose). The checker reports a counter's first misuse; later ones find it saturated and change nothing.
/// </summary>
public sealed class Refcount
{
    /// <summary>REFCOUNT_SATURATED, INT_MIN / 2.</summary>
    public const int Saturated = int.MinValue / 2;

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

    /// <summary>Whether a misuse saturated it: the value is negative.</summary>
    public bool IsSaturated => Value < 0;

    // include/linux/refcount.h: refcount_set()
    public void Set(int value) => Value = value;

    // include/linux/refcount.h: refcount_inc() -> __refcount_add(): "addition on 0" (REFCOUNT_ADD_UAF), or a saturated
    // value staying saturated (REFCOUNT_ADD_OVF)
    public void Inc(string site)
    {
        var old = Value;
        if (old > 0)
        {
            Value = old + 1;
            return;
        }
        if (old == 0)
            _heap.Report(FindingKind.RefcountMisuse, _owner, $"refcount_t: addition on 0; use-after-free ({_owner} in {site})");
        Value = Saturated;
    }

    // include/linux/refcount.h: refcount_dec_and_test() -> __refcount_sub_and_test(): true for the last reference;
    // "underflow" (REFCOUNT_SUB_UAF) from 0, and a saturated value staying saturated
    public bool DecAndTest(string site)
    {
        var old = Value;
        if (old > 0)
        {
            Value = old - 1;
            return old == 1;
        }
        if (old == 0)
            _heap.Report(FindingKind.RefcountMisuse, _owner, $"refcount_t: underflow; use-after-free ({_owner} in {site})");
        Value = Saturated;
        return false;
    }
}
