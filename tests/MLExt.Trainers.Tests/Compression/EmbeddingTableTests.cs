using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Neural.Compression;
using static TorchSharp.torch;

namespace MLExt.Trainers.Tests.Compression
{
    [TestClass]
    public class EmbeddingTableTests
    {
        [TestMethod]
        public void TensorTrainShapesCoverTheTableAndFactorTheDimension()
        {
            CollectionAssert.AreEqual(new[] { 4, 2, 2 }, TensorTrainFieldEmbeddingTable.Factors(16));
            CollectionAssert.AreEqual(new[] { 7, 1, 1 }, TensorTrainFieldEmbeddingTable.Factors(7));
            foreach (int size in new[] { 1, 2, 10, 999, 1000, 123_457 })
            {
                long[] radix = TensorTrainFieldEmbeddingTable.Radix(size);
                Assert.IsTrue(radix[0] * radix[1] * radix[2] >= size, $"radix of {size}");
            }
            using var table = new TensorTrainFieldEmbeddingTable(1000, 16, 3);
            using var scope = NewDisposeScope();
            Tensor vectors = table.forward(arange(1000L).view(10, 100));
            CollectionAssert.AreEqual(new long[] { 10, 100, 16 }, vectors.shape);
            Assert.AreEqual(TensorTrainFieldEmbeddingTable.CoreParameters(1000, 16, 3), table.ParameterCount);
        }

        [TestMethod]
        public void QuotientRemainderGivesEveryIdItsOwnVector()
        {
            using var table = new QuotientRemainderFieldEmbeddingTable(100, 10, 4);
            using var scope = NewDisposeScope();
            // As after some training: the quotient rows no longer all 1.
            using (no_grad())
            {
                foreach (var (name, parameter) in table.named_parameters())
                    parameter.normal_();
            }
            float[] vectors = table.forward(arange(100L).unsqueeze(0)).squeeze(0).data<float>().ToArray();
            var distinct = Enumerable.Range(0, 100).Select(i => string.Join(",", vectors.Skip(4 * i).Take(4))).Distinct().Count();
            Assert.AreEqual(100, distinct, "ids sharing a remainder differ by their quotient row");
            Assert.AreEqual((10 + 10) * 4, table.ParameterCount);
        }

        [TestMethod]
        public void HashedAndRobeTablesStayWithinTheirRowsAndAreDeterministic()
        {
            using var scope = NewDisposeScope();
            Tensor ids = arange(5000L).unsqueeze(0);
            Tensor rows = IdHash.Row(ids, IdHash.Salt(3, 0), 97);
            Assert.IsTrue(rows.min().item<long>() >= 0 && rows.max().item<long>() < 97);
            Assert.IsTrue(rows.unique().Item1.shape[0] > 90, "the hash spreads 5,000 ids over nearly every row");
            Assert.IsTrue(IdHash.Row(ids, IdHash.Salt(3, 0), 97).eq(rows).all().item<bool>(), "the same salt hashes alike");
            using var robe = new RobeFieldEmbeddingTable(2, 50, 8, firstOrder: false);
            Assert.AreEqual(50, robe.ParameterCount);
            CollectionAssert.AreEqual(new long[] { 1, 5000, 8 }, robe.forward(ids).shape);
        }

        [TestMethod]
        public void MixedDimensionBlocksFollowFrequencyAndProjectToTheCommonDimension()
        {
            CollectionAssert.AreEqual(new long[] { 0, 10, 100 }, MixedDimensionFieldEmbeddingTable.Starts(1000));
            CollectionAssert.AreEqual(new[] { 16, 8, 4 }, MixedDimensionFieldEmbeddingTable.Dimensions(16, 3));
            using var table = new MixedDimensionFieldEmbeddingTable(1000, 16, 16);
            Assert.AreEqual(MixedDimensionFieldEmbeddingTable.Parameters(1000, 16, 16), table.ParameterCount);
            Assert.AreEqual(10 * 16 + 90 * 8 + 900 * 4 + (16 + 8 + 4) * 16, table.ParameterCount, "rare values cost fewer parameters");
            using var scope = NewDisposeScope();
            CollectionAssert.AreEqual(new long[] { 2, 500, 16 }, table.forward(arange(1000L).view(2, 500)).shape);
        }

        [TestMethod]
        public void DeepHashEmbeddingsAreDistinctAndDeterministicWithoutATable()
        {
            using var table = new DeepHashFieldEmbeddingTable(1, 8, 16);
            Assert.AreEqual(DeepHashFieldEmbeddingTable.Parameters(8, 16), table.ParameterCount);
            using var scope = NewDisposeScope();
            Tensor ids = arange(200L).unsqueeze(0);
            Tensor vectors = table.forward(ids);
            CollectionAssert.AreEqual(new long[] { 1, 200, 8 }, vectors.shape);
            Assert.IsTrue(table.forward(ids).eq(vectors).all().item<bool>(), "the codes are hashes, not random draws");
            Assert.AreEqual(200, vectors.squeeze(0).unique(dim: 0).Item1.shape[0], "every id gets its own vector");
        }

        [TestMethod]
        public void Int8RowsComeBackWithinHalfAStepOfTheirScale()
        {
            using var scope = NewDisposeScope();
            Tensor rows = randn(20, 6);
            using var table = new QuantizedFieldEmbeddingTable(20, 6);
            table.SetRows(rows);
            Tensor back = table.forward(arange(20L).unsqueeze(0)).squeeze(0);
            Tensor step = rows.abs().amax(new long[] { 1 }, keepdim: true) / 127;
            Assert.IsTrue((back - rows).abs().le(step / 2 + 1e-6).all().item<bool>());
            Assert.AreEqual(20 * 6 + 20 * 4, table.StoredBytes, "one byte a value and a float scale a row");
            Assert.AreEqual(0, table.ParameterCount);
        }

        [TestMethod]
        public void TheBudgetKeepsSmallFieldsFullAndCapsTheLargeOnes()
        {
            int[] sizes = { 3, 50, 10_000, 100_000 };
            string[] names = { "a", "b", "c", "d" };
            var methods = Enumerable.Repeat(CtrEmbeddingCompression.Hashing, 4).ToArray();
            FieldTableSpec[] plan = EmbeddingBudget.Plan(sizes, names, 8, 0.01, methods);
            Assert.AreEqual(CtrEmbeddingCompression.None, plan[0].Method);
            Assert.AreEqual(CtrEmbeddingCompression.None, plan[1].Method);
            Assert.AreEqual(CtrEmbeddingCompression.Hashing, plan[2].Method);
            Assert.AreEqual(plan[2].Rows, plan[3].Rows, "the compressed fields share one cap");
            long used = (3 + 50) * 8 + 2 * plan[2].Rows * 8;
            Assert.IsTrue(used <= 0.01 * sizes.Sum() * 8, $"{used} parameters against a budget of {0.01 * sizes.Sum() * 8}");
            Assert.IsNull(EmbeddingBudget.Plan(sizes, names, 8, 0.5, Enumerable.Repeat(CtrEmbeddingCompression.None, 4).ToArray()), "no method: the fused full tables");
        }
    }
}
