using System;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Devices;
using TorchSharp;

namespace MLExt.Estimators.Tests
{
    [TestClass]
    public class TorchDeviceResolverTests
    {
        [TestMethod]
        public void NoGpuRequestedMeansCpu()
        {
            Assert.IsNull(TorchDeviceResolver.Choose(null, null, true, cudaDeviceCount: 2).CudaIndex);
        }

        [TestMethod]
        public void OnlyANamedCudaDeviceOrAContextGpuIdAsksForCuda()
        {
            var plain = new MLContext(seed: 1);
            var gpu = new MLContext(seed: 1) { GpuDeviceId = 0 };
            Assert.IsFalse(TorchDeviceResolver.AsksForCuda(plain));
            Assert.IsFalse(TorchDeviceResolver.AsksForCuda(gpu, " CPU "));
            Assert.IsTrue(TorchDeviceResolver.AsksForCuda(gpu));
            Assert.IsTrue(TorchDeviceResolver.AsksForCuda(plain, "cuda:1"));
            // Without a CUDA request the resolver's answer is the CPU whatever the machine has: what lets it run in the background.
            Assert.IsNull(TorchDeviceResolver.Choose(null, null, true, cudaDeviceCount: 4).CudaIndex);
            Assert.IsNull(TorchDeviceResolver.Choose("cpu", 0, false, cudaDeviceCount: 4).CudaIndex);
        }

        [TestMethod]
        public void ContextGpuIdSelectsThatDevice()
        {
            Assert.AreEqual(1, TorchDeviceResolver.Choose(null, 1, false, cudaDeviceCount: 2).CudaIndex);
        }

        [TestMethod]
        public void ContextGpuIdFallsBackWithWarningWhenAllowed()
        {
            DeviceChoice choice = TorchDeviceResolver.Choose(null, 0, contextFallbackToCpu: true, cudaDeviceCount: 0);
            Assert.IsNull(choice.CudaIndex);
            StringAssert.Contains(choice.Warning, "falling back");
        }

        [TestMethod]
        public void ContextGpuIdFailsWithoutFallback()
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => TorchDeviceResolver.Choose(null, 3, false, cudaDeviceCount: 2));
            StringAssert.Contains(error.Message, "GpuDeviceId is 3");
        }

        [TestMethod]
        public void OverrideWinsOverContext()
        {
            Assert.IsNull(TorchDeviceResolver.Choose("cpu", 0, false, cudaDeviceCount: 1).CudaIndex);
            Assert.AreEqual(1, TorchDeviceResolver.Choose("cuda:1", null, true, cudaDeviceCount: 2).CudaIndex);
            Assert.AreEqual(0, TorchDeviceResolver.Choose("CUDA", null, true, cudaDeviceCount: 1).CudaIndex);
        }

        [TestMethod]
        public void ExplicitCudaWithoutGpuFailsFastEvenWithFallback()
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => TorchDeviceResolver.Choose("cuda", null, true, cudaDeviceCount: 0));
            StringAssert.Contains(error.Message, "CUDA is not available");
            Assert.ThrowsExactly<InvalidOperationException>(() => TorchDeviceResolver.Choose("cuda:2", null, true, cudaDeviceCount: 2));
            Assert.ThrowsExactly<ArgumentException>(() => TorchDeviceResolver.Choose("tpu", null, true, cudaDeviceCount: 0));
        }

        [TestMethod]
        public void ResolveFollowsTheMLContext()
        {
            var mlContext = new MLContext(seed: 1) { GpuDeviceId = null };
            Assert.AreEqual(DeviceType.CPU, TorchDeviceResolver.Resolve(mlContext).type);
            if (!torch.cuda.is_available())
            {
                mlContext.GpuDeviceId = 0;
                mlContext.FallbackToCpu = false;
                Assert.ThrowsExactly<InvalidOperationException>(() => TorchDeviceResolver.Resolve(mlContext));
            }
            else
            {
                mlContext.GpuDeviceId = 0;
                Assert.AreEqual(DeviceType.CUDA, TorchDeviceResolver.Resolve(mlContext).type);
            }
        }
    }
}
