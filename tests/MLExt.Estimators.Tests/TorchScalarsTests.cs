using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Devices;
using MLExt.Neural.Training;
using MLExt.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Estimators.Tests
{
    [TestClass]
    public class TorchScalarsTests
    {
        [TestMethod]
        public void ArithmeticWithNumbersSurvivesCollectionsOnOtherThreads()
        {
            // Another thread collecting all the time: collections happen during the native calls, and finalizers run after them.
            // (In a console program with a thread allocating 4 KB arrays, TorchSharp's own a + b, whose alpha Scalar is left to
            // the finalizer, failed within a second with "Expected false to be true"; the helpers ran 30 s without a failure.)
            using Tensor a = ones(64, 16), b = ones(64, 16), expected = ones(64, 16);
            bool stop = false;
            var noise = new Thread(() =>
            {
                while (!Volatile.Read(ref stop))
                    GC.Collect(0);
            });
            int collectionsBefore = GC.CollectionCount(0);
            noise.Start();
            long calls = 0;
            bool allRight = true;
            try
            {
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(2))
                {
                    using Tensor sum = a.Plus(b), half = sum.Times(0.5), shifted = half.Plus(1L).Minus(1.0);
                    allRight &= calls % 1000 != 0 || shifted.allclose(expected, rtol: 0, atol: 0);
                    calls++;
                }
            }
            finally
            {
                Volatile.Write(ref stop, true);
                noise.Join();
            }
            Assert.IsTrue(allRight, "A result was wrong.");
            Assert.IsTrue(GC.CollectionCount(0) - collectionsBefore > 10, "Too few collections ran during the calls for the test to mean anything.");
            Assert.IsTrue(calls > 100, $"Only {calls} iterations ran.");
        }

        [TestMethod]
        public void IntegerArithmeticKeepsIntegers()
        {
            using Tensor ids = tensor(new long[] { 5, 17, 40 });
            using Tensor rows = ids.Times(3L).Plus(2L).With(7L, static (t, n) => t.remainder(n));
            Assert.AreEqual(ScalarType.Int64, rows.dtype);
            CollectionAssert.AreEqual(new long[] { 3, 4, 3 }, rows.data<long>().ToArray());
            using Tensor range = TorchScalars.Range(4);
            CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, range.data<long>().ToArray());
        }

        [TestMethod]
        [DataRow(CtrOptimizer.Adam)]
        [DataRow(CtrOptimizer.Adagrad)]
        public void TheOptimizerStepsAsTorchSharpsDoes(CtrOptimizer kind)
        {
            // The trainer's optimizers must move the weights exactly as TorchSharp's (the same operations in the same order),
            // so that no model changes with them; the learning rate is lowered halfway, as on a validation plateau.
            using Tensor x = Seeded(() => randn(64, 5)), y = Seeded(() => randn(64, 1));
            using var ours = Seeded(Network);
            using var reference = Seeded(Network);
            using var referenceOptimizer = kind == CtrOptimizer.Adam ? (optim.Optimizer)optim.Adam(reference.parameters(), lr: 0.01) : optim.Adagrad(reference.parameters(), lr: 0.01);
            using var optimizer = ParameterOptimizer.For(kind, ours.parameters(), 0.01);
            for (int step = 0; step < 30; step++)
            {
                if (step == 15)
                {
                    optimizer.LearningRate *= 0.1;
                    foreach (var group in referenceOptimizer.ParamGroups)
                        group.LearningRate *= 0.1;
                }
                optimizer.ZeroGrad();
                using (Tensor loss = nn.functional.mse_loss(ours.forward(x), y))
                    loss.backward();
                optimizer.Step();
                referenceOptimizer.zero_grad();
                using (Tensor loss = nn.functional.mse_loss(reference.forward(x), y))
                    loss.backward();
                referenceOptimizer.step();
            }
            var pairs = ours.parameters().Zip(reference.parameters()).ToArray();
            Assert.AreEqual(4, pairs.Length);
            foreach (var (mine, theirs) in pairs)
                Assert.IsTrue(mine.allclose(theirs, rtol: 0, atol: 0), $"A weight differs from TorchSharp's {kind} by up to {(mine - theirs).abs().max().item<float>()}.");
            using Tensor start = Seeded(Network).parameters().First().detach();
            Assert.IsFalse(start.allclose(pairs[0].First, rtol: 0, atol: 0), "The weights did not move.");
        }

        private static nn.Module<Tensor, Tensor> Network() => nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1));

        private static T Seeded<T>(Func<T> make)
        {
            torch.manual_seed(1);
            return make();
        }
    }
}
