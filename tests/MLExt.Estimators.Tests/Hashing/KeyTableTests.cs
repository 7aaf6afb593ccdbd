using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Hashing;

namespace MLExt.Estimators.Tests.Hashing
{
    [TestClass]
    public class KeyTableTests
    {
        [TestMethod]
        public void KeysAreNumberedByFirstAdditionAndCountedThroughGrowth()
        {
            var table = new KeyTable();
            var expected = new Dictionary<ulong, (int Number, int Count)>();
            var random = new Random(5);
            // 20,000 distinct keys: the table doubles from 1,024 entries several times.
            for (int i = 0; i < 60_000; i++)
            {
                ulong key = 1 + (ulong)random.Next(20_000) * 0x9E3779B97F4A7C15UL;
                int number = table.Add(key);
                expected[key] = expected.TryGetValue(key, out var seen) ? (seen.Number, seen.Count + 1) : (expected.Count, 1);
                Assert.AreEqual(expected[key].Number, number);
            }
            Assert.AreEqual(expected.Count, table.Count);
            var byNumber = table.ByNumber();
            foreach (var (key, (number, count)) in expected)
            {
                Assert.AreEqual(number, table.IndexOf(key));
                Assert.AreEqual((key, count), byNumber[number]);
            }
            Assert.AreEqual(-1, table.IndexOf(12345));
        }

        // A table handed a used array without clearing it can probe forever: fail instead of hanging the run.
        [TestMethod, Timeout(60_000)]
        public void ATableAfterAReleaseHoldsNoneOfTheReleasedKeys()
        {
            // On one thread the pool hands the released arrays straight back, full of the old keys.
            KeyTable old = Filled(seed: 1, out ulong[] oldKeys);
            old.Release();
            Assert.AreEqual(oldKeys.Distinct().Count(), old.Count, "The count stays readable after a release.");
            var fresh = new KeyTable();
            Assert.IsTrue(oldKeys.All(k => fresh.IndexOf(k) == -1));
            Assert.AreEqual(0, fresh.Add(oldKeys[0]));
        }

        [TestMethod, Timeout(60_000)]
        public void TablesFilledAndReleasedOnSeveralThreadsStayExact()
        {
            // Arrays the pool makes are not zeroed, and arrays released on one thread are rented on another.
            for (int round = 0; round < 3; round++)
            {
                Parallel.For(0, 4, t =>
                {
                    KeyTable table = Filled(seed: 10 * round + t, out ulong[] keys);
                    int distinct = keys.Distinct().Count();
                    Assert.AreEqual(distinct, table.Count);
                    Assert.AreEqual(distinct, table.ByNumber().Select(k => k.Key).Distinct().Count());
                    Assert.AreEqual(keys.Length, table.ByNumber().Sum(k => k.Count));
                    table.Release();
                });
            }
        }

        private static KeyTable Filled(int seed, out ulong[] keys)
        {
            var random = new Random(seed);
            keys = Enumerable.Range(0, 30_000).Select(_ => 1 + (ulong)random.NextInt64(long.MaxValue)).ToArray();
            var table = new KeyTable();
            foreach (ulong key in keys)
                table.Add(key);
            return table;
        }
    }
}
