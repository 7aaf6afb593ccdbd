using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Threading;

namespace MLExt.Estimators.Tests.Threading
{
    [TestClass]
    public class TorchWorkThreadTests
    {
        [TestMethod]
        public void WorkRunsInOrderOnOneThreadOtherThanTheCallers()
        {
            var threads = new List<int>();
            var order = new List<int>();
            Task<int>[] results = Enumerable.Range(0, 20).Select(i => TorchWorkThread.Run(() =>
            {
                // Only the work thread touches the lists: the work items run one at a time.
                threads.Add(Environment.CurrentManagedThreadId);
                order.Add(i);
                return i * i;
            })).ToArray();

            CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(i => i * i).ToArray(), Task.WhenAll(results).GetAwaiter().GetResult());
            CollectionAssert.AreEqual(Enumerable.Range(0, 20).ToArray(), order);
            Assert.AreEqual(1, threads.Distinct().Count());
            Assert.AreNotEqual(Environment.CurrentManagedThreadId, threads[0]);
        }

        [TestMethod]
        public void AFailureReachesTheWaiterAsItselfAndTheThreadGoesOn()
        {
            Task<int> failed = TorchWorkThread.Run<int>(() => throw new InvalidOperationException("the network failed"));
            var error = Assert.Throws<InvalidOperationException>(() => failed.GetAwaiter().GetResult());
            Assert.AreEqual("the network failed", error.Message);
            Assert.AreEqual(7, TorchWorkThread.Run(() => 7).GetAwaiter().GetResult());
        }
    }
}
