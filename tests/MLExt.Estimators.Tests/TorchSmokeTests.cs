using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Estimators.Tests
{
    [TestClass]
    public class TorchSmokeTests
    {
        [TestMethod]
        public void ForwardAndBackwardOnCpu() => ForwardAndBackward(CPU);

        [TestMethod]
        public void ForwardAndBackwardOnCuda()
        {
            if (!cuda.is_available())
                Assert.Inconclusive("No CUDA device in this process: the CUDA smoke test is skipped.");
            ForwardAndBackward(CUDA);
        }

        // y = w x + b with a squared loss has gradients we can write down: dL/dw = 2 (y - t) x, dL/db = 2 (y - t).
        private static void ForwardAndBackward(Device device)
        {
            using var scope = NewDisposeScope();
            var layer = nn.Linear(3, 1).to(device);
            using (no_grad())
            {
                layer.weight.copy_(tensor(new float[,] { { 0.5f, -1f, 2f } }));
                layer.bias.copy_(tensor(new float[] { 0.25f }));
            }
            Tensor x = tensor(new float[,] { { 1f, 2f, 3f } }, device: device);
            Tensor target = tensor(new float[,] { { 1f } }, device: device);
            Tensor y = layer.forward(x);
            Tensor loss = (y - target).pow(2).sum();
            loss.backward();

            float prediction = y.cpu().item<float>();
            Assert.AreEqual(0.5f - 2f + 6f + 0.25f, prediction, 1e-6f);
            float residual = prediction - 1f;
            float[] weightGrad = layer.weight.grad.cpu().data<float>().ToArray();
            CollectionAssert.AreEqual(new[] { 2 * residual * 1f, 2 * residual * 2f, 2 * residual * 3f }, weightGrad, new ToleranceComparer(1e-5f));
            Assert.AreEqual(2 * residual, layer.bias.grad.cpu().item<float>(), 1e-5f);
            Assert.AreEqual(device.type, y.device.type);
        }

        private sealed class ToleranceComparer : System.Collections.IComparer
        {
            private readonly float _tolerance;
            public ToleranceComparer(float tolerance) => _tolerance = tolerance;
            public int Compare(object a, object b) => Math.Abs((float)a - (float)b) <= _tolerance ? 0 : 1;
        }
    }
}
