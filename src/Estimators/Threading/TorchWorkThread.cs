using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace MLExt.Threading
{
    /// <summary>
    /// One long-lived thread for libtorch work handed off in the background (batched scoring's forward passes). libtorch's
    /// OpenMP runtime keeps a team of worker threads for each thread that starts parallel work, and those workers spin a while
    /// after each operation: forward passes run on whichever thread-pool thread was free made several teams, whose spinning
    /// oversubscribed the cores (an FM batch of 2,048 rows took 28 ms instead of 2 ms in some processes). Work queued here
    /// runs one item at a time, in order.
    /// </summary>
    internal static class TorchWorkThread
    {
        private static readonly BlockingCollection<Action> Queue = StartThread();

        /// <summary>Queues <paramref name="work"/>; the task completes with its result or its exception.</summary>
        public static Task<T> Run<T>(Func<T> work)
        {
            // Continuations run elsewhere: a waiter's code must not run on, and hold up, this thread.
            var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Queue.Add(() =>
            {
                try
                {
                    result.SetResult(work());
                }
                catch (Exception error)
                {
                    result.SetException(error);
                }
            });
            return result.Task;
        }

        private static BlockingCollection<Action> StartThread()
        {
            var queue = new BlockingCollection<Action>();
            var thread = new Thread(() =>
            {
                foreach (Action work in queue.GetConsumingEnumerable())
                    work();
            })
            {
                IsBackground = true,
                Name = "MLExt torch work",
            };
            thread.Start();
            return queue;
        }
    }
}
