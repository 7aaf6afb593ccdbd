using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Hashing;

namespace MLExt.Estimators.Tests.Hashing
{
    [TestClass]
    public class StableHashTests
    {
        [TestMethod]
        public void StringHashesDoNotDependOnTheProcess()
        {
            // FNV-1a of "a" is 0xaf63dc4c8601ec8c (the published test vector); through the splitmix64 finalizer, worked out
            // by hand in Python, it is 0x02c0bdbf481420f8.
            Assert.AreEqual(0x02c0bdbf481420f8UL, StableHash.Of("a"));
            Assert.AreNotEqual(StableHash.Of("ab"), StableHash.Of("ba"));
        }

        [TestMethod]
        public void UnitNumbersAreUniformInTheHalfOpenInterval()
        {
            Assert.AreEqual(0.0, StableHash.ToUnit(0));
            Assert.IsTrue(StableHash.ToUnit(ulong.MaxValue) < 1.0);
            const int n = 100_000;
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += StableHash.ToUnit(StableHash.Combine(7, 3, (ulong)i));
            // The mean of n uniforms has standard deviation sqrt(1/12/n) = 0.0009.
            Assert.AreEqual(0.5, sum / n, 0.004);
        }
    }
}
