using System;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;

namespace MLExt.Threading
{
    /// <summary>
    /// <c>Parallel.For</c> whose failure surfaces as itself rather than wrapped in an <see cref="AggregateException"/>: a bad
    /// row's message, or the <see cref="OperationCanceledException"/> of a canceled <c>MLContext</c>, reaches the caller as
    /// ML.NET's own components throw it.
    /// </summary>
    internal static class ParallelWork
    {
        /// <summary>Runs <paramref name="body"/> for 0 to <paramref name="count"/> − 1, on up to <paramref name="maximumThreads"/>
        /// threads (−1: as many as the scheduler gives); a failure rethrows the first exception.</summary>
        public static void For(int count, Action<int> body, int maximumThreads = -1)
        {
            try
            {
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maximumThreads }, body);
            }
            catch (AggregateException error) when (error.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
            }
        }
    }
}
