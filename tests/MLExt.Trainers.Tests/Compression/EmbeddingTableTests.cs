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
            using var table = new QuantizedFieldEmbeddingTable(20, 6, 8);
            table.SetRows(rows);
            Tensor back = table.forward(arange(20L).unsqueeze(0)).squeeze(0);
            Tensor step = rows.abs().amax(new long[] { 1 }, keepdim: true) / 127;
            Assert.IsTrue((back - rows).abs().le(step / 2 + 1e-6).all().item<bool>());
            Assert.AreEqual(20 * 6 + 20 * 4, table.StoredBytes, "one byte a value and a float scale a row");
            Assert.AreEqual(0, table.ParameterCount);
        }

        [TestMethod]
        public void Int4RowsComeBackWithinHalfAStepOfTheirScaleAtHalfAByteAValue()
        {
            using var scope = NewDisposeScope();
            Tensor rows = randn(20, 7);
            using var table = new QuantizedFieldEmbeddingTable(20, 7, 4);
            table.SetRows(rows);
            Tensor back = table.forward(arange(20L).view(4, 5)).view(20, 7);
            Tensor step = rows.abs().amax(new long[] { 1 }, keepdim: true) / 7;
            Assert.IsTrue((back - rows).abs().le(step / 2 + 1e-6).all().item<bool>());
            Assert.IsTrue(back.abs().amax(new long[] { 1 }).sub(rows.abs().amax(new long[] { 1 })).abs().lt(1e-5).all().item<bool>(), "each row's largest entry is exact");
            Assert.AreEqual(20 * 4 + 20 * 4, table.StoredBytes, "seven values packed into four bytes, and a float scale a row");
        }

        [TestMethod]
        public void RowsSharingAScaleComeBackWithinHalfAStepOfTheirBlocksScale()
        {
            using var scope = NewDisposeScope();
            // 21 rows in blocks of 4: five full blocks and a last one of a single row.
            Tensor rows = randn(21, 4) * linspace(0.1, 10, 21).unsqueeze(-1);
            using var table = new QuantizedFieldEmbeddingTable(21, 4, 8, rowsPerScale: 4);
            table.SetRows(rows);
            Tensor back = table.forward(arange(21L).view(3, 7)).view(21, 4);
            Tensor blockMax = nn.functional.pad(rows, new long[] { 0, 0, 0, 3 }).view(6, 16).abs().amax(new long[] { 1 });
            Tensor step = blockMax.repeat_interleave(4L).narrow(0, 0, 21).unsqueeze(-1) / 127;
            Assert.IsTrue((back - rows).abs().le(step / 2 + 1e-5).all().item<bool>(), "within half a step of the block's scale");
            Assert.IsTrue((back - rows).abs().gt(rows.abs().amax(new long[] { 1 }, keepdim: true) / 127 / 2 + 1e-5).any().item<bool>(),
                "a row smaller than its block's largest is coarser than with a scale of its own");
            Assert.AreEqual(21 * 4 + 6 * 4, table.StoredBytes, "one byte a value and a float scale per block of 4 rows");
        }

        [TestMethod]
        public void AQuantizedUnifiedTableReadsTheTrainedTableBackWithinItsSteps()
        {
            using var scope = NewDisposeScope();
            var trainedPool = new UnifiedTablePool();
            using var trainedFirst = new UnifiedFieldEmbeddingTable(0, 64, 8, 0, CtrEmbeddingPrecision.Float32, trainedPool);
            using var trainedSecond = new UnifiedFieldEmbeddingTable(1, 64, 8, 0, CtrEmbeddingPrecision.Float32, trainedPool);
            using (no_grad())
                trainedFirst.parameters().Single().copy_(randn(64, 4));
            var pool = new UnifiedTablePool();
            using var first = new UnifiedFieldEmbeddingTable(0, 64, 8, 0, CtrEmbeddingPrecision.Int8, pool);
            using var second = new UnifiedFieldEmbeddingTable(1, 64, 8, 0, CtrEmbeddingPrecision.Int8, pool);
            first.CompressFrom(trainedFirst, 500);
            second.CompressFrom(trainedSecond, 500);
            Assert.AreEqual(0, first.ParameterCount + second.ParameterCount, "stored, not trained");
            Assert.AreEqual(64 * 4 + 64 / UnifiedFieldEmbeddingTable.RowsPerScale * 4, first.StoredBytes + second.StoredBytes, "a byte a value and a scale per 16 rows");
            Tensor ids = arange(500L).unsqueeze(0);
            foreach (var (stored, trained) in new[] { (first, trainedFirst), (second, trainedSecond) })
            {
                Tensor expected = trained.forward(ids), read = stored.forward(ids);
                double step = trainedFirst.parameters().Single().abs().max().item<float>() / 127;
                Assert.IsTrue((read - expected).abs().le(step / 2 + 1e-5).all().item<bool>(), "each field reads the same rows, dequantized");
                Assert.IsFalse(read.eq(expected).all().item<bool>(), "in 8 bits, not as floats");
            }
        }

        [TestMethod]
        public void ThePrunedTableKeepsTheLargestEntriesStoredSparse()
        {
            using var scope = NewDisposeScope();
            Tensor rows = randn(30, 4);
            using var table = new SparseFieldEmbeddingTable(30, 4, 25);
            table.SetRows(rows);
            Assert.AreEqual(25 * (4 + 4), table.StoredBytes, "a 32-bit position and a float value an entry");
            // The expected table: every entry smaller in magnitude than the 25th largest zeroed.
            float smallestKept = rows.abs().flatten().topk(25).values.min().item<float>();
            Tensor expected = where(rows.abs().ge(smallestKept), rows, zeros_like(rows));
            Tensor ids = tensor(new long[] { 0, 29, 3, 3, 17, 8 }).view(2, 3);
            Tensor found = table.forward(ids);
            CollectionAssert.AreEqual(new long[] { 2, 3, 4 }, found.shape);
            Assert.IsTrue(found.view(6, 4).allclose(expected.index_select(0, ids.flatten())), "a lookup finds each id's kept entries in their columns");
            Assert.IsTrue(table.forward(arange(30L).unsqueeze(0)).squeeze(0).allclose(expected));
        }

        [TestMethod]
        public void TheThresholdZeroesEntriesSmallerThanIt()
        {
            using var scope = NewDisposeScope();
            using var table = new ThresholdPrunedFieldEmbeddingTable(50, 4);
            Tensor weights = null, threshold = null;
            foreach (var (name, parameter) in table.named_parameters())
            {
                if (name.EndsWith("weight"))
                    weights = parameter;
                else
                    threshold = parameter;
            }
            using (no_grad())
            {
                weights.normal_();
                threshold.fill_(0); // σ(0) = 0.5
            }
            Tensor expected = weights.sign() * (weights.abs() - 0.5).clamp_min(0);
            Assert.IsTrue(table.forward(arange(50L).unsqueeze(0)).squeeze(0).allclose(expected));
            Assert.AreEqual(weights.square().sum().item<float>(), table.SquaredNorm().item<float>(), 1e-3, "the threshold is not a weight to shrink");
        }

        [TestMethod]
        public void UnifiedFieldsShareOneTableThroughTheirOwnHashes()
        {
            using var scope = NewDisposeScope();
            var pool = new UnifiedTablePool();
            using var first = new UnifiedFieldEmbeddingTable(0, 64, 8, 0, CtrEmbeddingPrecision.Float32, pool);
            using var second = new UnifiedFieldEmbeddingTable(1, 64, 8, 0, CtrEmbeddingPrecision.Float32, pool);
            Assert.AreEqual(64 * 4, first.ParameterCount, "the owner holds the shared table of 4-wide rows");
            Assert.AreEqual(0, second.ParameterCount, "the other fields hold no weights of their own");
            Assert.AreEqual(64 * 4 * 4, first.StoredBytes + second.StoredBytes, "the shared table's bytes are split between its fields");
            Tensor ids = arange(500L).unsqueeze(0);
            Tensor a = first.forward(ids), b = second.forward(ids);
            CollectionAssert.AreEqual(new long[] { 1, 500, 8 }, a.shape);
            Assert.IsFalse(a.allclose(b), "each field hashes with its own salts");
            using (no_grad())
                first.parameters().Single().fill_(1);
            Assert.IsTrue(second.forward(ids).eq(1).all().item<bool>(), "the second field reads the first field's table");
        }

        [TestMethod]
        public void OnlyAUnifiedFieldsMostFrequentValuesReadEveryChunk()
        {
            using var scope = NewDisposeScope();
            using var tiered = new UnifiedFieldEmbeddingTable(0, 64, 16, 10, CtrEmbeddingPrecision.Float32, new UnifiedTablePool());
            using (no_grad())
                tiered.parameters().Single().fill_(1);
            // Ids are numbered most frequent first: ids 0-9 are the 10 values that read all 4 chunks.
            Tensor vectors = tiered.forward(arange(20L).unsqueeze(0)).squeeze(0);
            Assert.IsTrue(vectors.narrow(0, 0, 10).eq(1).all().item<bool>(), "the frequent values read every chunk");
            Assert.IsTrue(vectors.narrow(0, 10, 10).narrow(1, 0, 4).eq(1).all().item<bool>(), "the rarer values read the first chunk");
            Assert.IsTrue(vectors.narrow(0, 10, 10).narrow(1, 4, 12).eq(0).all().item<bool>(), "and nothing more");

            // 0, as in models saved before the limit: every value reads every chunk.
            using var untiered = new UnifiedFieldEmbeddingTable(0, 64, 16, 0, CtrEmbeddingPrecision.Float32, new UnifiedTablePool());
            using (no_grad())
                untiered.parameters().Single().fill_(1);
            Assert.IsTrue(untiered.forward(arange(20L).unsqueeze(0)).eq(1).all().item<bool>());
        }

        [TestMethod]
        public void TheBudgetRaisesAFieldToItsMethodsSmallestTables()
        {
            // QuotientRemainder's smallest tables for 48 values are 7 + 7 rows of 16: more than an even share of this budget, so those
            // fields get them (still under their full tables' 48 rows) and the hashed field keeps the rest.
            int[] sizes = { 48, 48, 48, 48, 100_000 };
            string[] names = { "a", "b", "c", "d", "e" };
            var methods = Enumerable.Repeat(CtrEmbeddingCompression.QuotientRemainder, 4).Append(CtrEmbeddingCompression.Hashing).ToArray();
            double budget = 0.0006 * sizes.Sum() * 16;
            FieldTableSpec[] plan = EmbeddingBudget.Plan(sizes, names, 16, 0.0006, methods);
            Assert.IsTrue(plan.Take(4).All(p => p.Method == CtrEmbeddingCompression.QuotientRemainder && p.Rows + QuotientRemainderFieldEmbeddingTable.QuotientRows(48, p.Rows) == 14),
                "the fewest rows two tables of 48 values can have");
            Assert.AreEqual((long)((budget - 4 * 14 * 16) / 16), plan[4].Rows, "the hashed field takes what is left");

            // Unified fields pool their shares into one table; Pruning keeps an entry (a position and a value) per two parameters.
            sizes = new[] { 7, 1840, 100_000 };
            names = new[] { "a", "b", "c" };
            // Unified fields pool their shares into one table; Pruning keeps an entry (a position and a value) per two parameters.
            methods = new[] { CtrEmbeddingCompression.None, CtrEmbeddingCompression.Unified, CtrEmbeddingCompression.Unified };
            plan = EmbeddingBudget.Plan(sizes, names, 16, 0.01, methods);
            Assert.AreEqual(plan[1].Rows, plan[2].Rows, "one shared table");
            budget = 0.01 * sizes.Sum() * 16 - 7 * 16;
            Assert.IsTrue(plan[1].Rows * 4 <= budget && plan[1].Rows * 4 > budget - 8, $"{plan[1].Rows} rows of 4 for a budget of {budget}");
            Assert.IsTrue(plan.Skip(1).All(p => p.Rank == System.Math.Round(plan[1].Rows / 2.0)), "as many values read every chunk as half the shared table's rows");
            plan = EmbeddingBudget.Plan(sizes, names, 16, 0.01, methods, idsByFrequency: new[] { true, true, false });
            Assert.AreEqual(0, plan[2].Rank, "a field whose ids are not in frequency order (hash buckets) reads every chunk for every id");
            // Stored in 8 (4) bits, a row of 4 takes 4 (2) bytes and a 16th of a 4-byte scale: the same bytes hold more rows.
            foreach (var (precision, rowBytes) in new[] { (CtrEmbeddingPrecision.Int8, 4.25), (CtrEmbeddingPrecision.Int4, 2.25) })
            {
                FieldTableSpec[] stored = EmbeddingBudget.Plan(sizes, names, 16, 0.01, methods, precision: precision);
                Assert.IsTrue(stored.Skip(1).All(p => p.Precision == precision) && stored[0].Precision == CtrEmbeddingPrecision.Float32, "only the shared table");
                Assert.IsTrue(stored[1].Rows * rowBytes <= budget * 4 && stored[1].Rows * rowBytes > budget * 4 - rowBytes, $"{stored[1].Rows} rows of {rowBytes} bytes for {budget * 4} bytes");
                Assert.AreEqual(CtrEmbeddingPrecision.Float32, stored[1].TrainingForm.Precision, "trained in floats");
            }
            FieldTableSpec[] generous = EmbeddingBudget.Plan(sizes, names, 16, 0.5, methods, precision: CtrEmbeddingPrecision.Int4);
            Assert.AreEqual(CtrEmbeddingCompression.None, generous[1].Method, "under half the budget: kept full");
            Assert.AreEqual(100_000 * 16 / 4, generous[2].Rows, "never more values than the full table holds");
            methods = new[] { CtrEmbeddingCompression.None, CtrEmbeddingCompression.None, CtrEmbeddingCompression.Pruning };
            plan = EmbeddingBudget.Plan(sizes, names, 16, 0.05, methods);
            Assert.AreEqual((long)((0.05 * sizes.Sum() * 16 - (7 + 1840) * 16) / 2), plan[2].Rows, 1);
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
            FieldTableSpec[] quantized = EmbeddingBudget.Plan(sizes, names, 8, 0.5, Enumerable.Repeat(CtrEmbeddingCompression.Int8, 4).ToArray());
            Assert.IsTrue(quantized.All(p => p.Method == CtrEmbeddingCompression.Int8), "quantized methods are not sized: the ratio does not apply to them");
        }
    }
}
