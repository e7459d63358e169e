using System.Collections.Concurrent;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// Work done on several threads whose results come back in the order of the items, each as soon as it and every
/// item before it are done: the output is the same bytes for any number of threads, and it streams.
/// </summary>
internal static class InOrder
{
    /// <summary>How often <c>waiting</c> is called while the next result is not ready.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs <paramref name="work"/> on every item on up to <paramref name="jobs"/> threads, which take the items in
    /// order, and yields the results in that order. <paramref name="waiting"/> gets the index of the result awaited,
    /// before each wait and then every 200 ms of it. An exception of the work is thrown where its result would be.
    /// </summary>
    public static IEnumerable<TResult> Run<TItem, TResult>(IReadOnlyList<TItem> items, int jobs, Func<TItem, TResult> work, Action<int> waiting)
    {
        var results = items.Select(_ => new TaskCompletionSource<TResult>()).ToArray();
        using var stop = new CancellationTokenSource();
        var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = stop.Token };
        // NoBuffering: each thread takes the next item when it is free, so results are ready roughly in item order.
        var order = Partitioner.Create(Enumerable.Range(0, items.Count), EnumerablePartitionerOptions.NoBuffering);
        var workers = Task.Run(() =>
        {
            try
            {
                Parallel.ForEach(order, options, i =>
                {
                    try
                    {
                        results[i].SetResult(work(items[i]));
                    }
                    catch (Exception e)
                    {
                        results[i].SetException(e);
                    }
                });
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early (an exception, or it stopped enumerating): the remaining items are not needed.
            }
        });
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                var next = results[i].Task;
                var settled = Task.WhenAny(next); // completes, without throwing, when the work ends either way
                waiting(i);
                while (!settled.Wait(Poll))
                    waiting(i);
                yield return next.GetAwaiter().GetResult();
            }
        }
        finally
        {
            stop.Cancel();
            workers.Wait();
        }
    }
}
