using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Transforms.OutRanking.Core;
using MLExt.Hashing;

namespace MLExt.Transforms.Tests.OutRanking
{
    [TestClass]
    public class HyperLogLogTests
    {
        // Precision 14 has a relative standard error of 1.04 / 128 = 0.8%; 3% is beyond three of those.
        [TestMethod]
        [DataRow(10)]
        [DataRow(5_000)]
        [DataRow(200_000)]
        [DataRow(2_000_000)]
        public void EstimatesTheDistinctCountWithinThreePercent(int distinct)
        {
            var sketch = new HyperLogLog();
            // Every value three times: repeats must not count.
            for (int repeat = 0; repeat < 3; repeat++)
                for (long value = 0; value < distinct; value++)
                    sketch.Add(StableHash.Of(value));
            Assert.AreEqual(distinct, sketch.Estimate(), 0.03 * distinct);
        }
    }
}
