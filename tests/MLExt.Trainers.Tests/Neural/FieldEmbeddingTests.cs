using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Neural.Networks;
using static TorchSharp.torch;

namespace MLExt.Trainers.Tests.Neural
{
    [TestClass]
    public class FieldEmbeddingTests
    {
        // Field 0: 3 ids (0-2), one a row; field 1: 4 ids (3-6), up to two a row (multi-valued); the pad id is 7; one numeric field.
        private static readonly NetworkSpec Spec = new NetworkSpec(CtrModel.FM, 1, new[] { 3, 4 }, new[] { 1, 2 }, 1, 2, new[] { 4 }, 0, false, 1, 1, 1);

        private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

        // Equal to float rounding (the two paths sum in different orders).
        private static void AssertClose(float[] expected, float[] actual)
        {
            Assert.AreEqual(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
        }

        [TestMethod]
        public void PerFieldTablesEmbedExactlyAsTheFusedTable()
        {
            using var fused = NeuralNetwork.Create(Spec);
            using var perField = NeuralNetwork.Create(Spec, (field, size, dimension, firstOrder) => new DenseFieldEmbeddingTable(size, dimension));
            var a = fused.state_dict();
            var b = perField.state_dict();
            using (no_grad())
            {
                // Every fused row i holds (i + 1, −i); the per-field tables get the same rows by local id.
                Tensor rows = tensor(Enumerable.Range(0, 8).SelectMany(i => new float[] { i + 1, -i }).ToArray()).view(8, 2);
                a["embedding.embeddings.weight"].copy_(rows);
                b["embedding.fieldTables.0.table.weight"].copy_(rows.narrow(0, 0, 3));
                b["embedding.fieldTables.1.table.weight"].copy_(rows.narrow(0, 3, 4));
                Tensor firstOrder = a["embedding.firstOrder.weight"];
                firstOrder.copy_(arange(8, dtype: ScalarType.Float32).view(8, 1) * 0.1);
                b["embedding.fieldFirstOrder.0.table.weight"].copy_(firstOrder.narrow(0, 0, 3));
                b["embedding.fieldFirstOrder.1.table.weight"].copy_(firstOrder.narrow(0, 3, 4));
                foreach (string name in new[] { "embedding.numericEmbeddings", "embedding.numericFirstOrder" })
                {
                    a[name].copy_(arange(a[name].numel(), dtype: ScalarType.Float32).view(a[name].shape) * 0.1);
                    b[name].copy_(a[name]);
                }
            }
            // Row 1 uses one value of the multi-valued field, its second place the pad id.
            Tensor ids = tensor(new long[] { 0, 3, 5, 2, 6, 7 }).view(2, 3);
            Tensor numeric = tensor(new float[] { 0.5f, -1 }).view(2, 1);
            var (fieldsA, linearA) = fused.Embedding.Embed(ids, numeric);
            var (fieldsB, linearB) = perField.Embedding.Embed(ids, numeric);
            CollectionAssert.AreEqual(Values(fieldsA), Values(fieldsB));
            CollectionAssert.AreEqual(Values(linearA), Values(linearB));
            Assert.AreEqual(fused.Embedding.UsedSquaredNorm(ids).item<float>(), perField.Embedding.UsedSquaredNorm(ids).item<float>(), 1e-4);
            AssertClose(Values(fused.Embedding.FieldSquaredNorms()), Values(perField.Embedding.FieldSquaredNorms()));
            Tensor weights = tensor(new float[] { 0.5f, 0.25f, 0.25f, 0.75f, 0.1f, 0.15f, 0, 0 });
            AssertClose(Values(fused.Embedding.FieldSquaredNorms(weights)), Values(perField.Embedding.FieldSquaredNorms(weights)));

            // A field-level step (what the group regularizers do) reaches the per-field tables too.
            Tensor factors = tensor(new float[] { 0.5f, 0, 2 });
            fused.Embedding.ScaleFields(factors);
            perField.Embedding.ScaleFields(factors);
            AssertClose(Values(fused.Embedding.FieldSquaredNorms()), Values(perField.Embedding.FieldSquaredNorms()));
            Assert.AreEqual(0f, Values(perField.Embedding.FieldSquaredNorms())[1]);
        }

        [TestMethod]
        public void ATableTellsItsParameterBytes()
        {
            using var table = new DenseFieldEmbeddingTable(5, 3);
            Assert.AreEqual(15, table.ParameterCount);
            Assert.AreEqual(60, table.ParameterBytes);
            CollectionAssert.AreEqual(new long[] { 2, 3, 3 }, table.forward(tensor(new long[] { 0, 4, 1, 2, 3, 0 }).view(2, 3)).shape);
        }
    }
}
