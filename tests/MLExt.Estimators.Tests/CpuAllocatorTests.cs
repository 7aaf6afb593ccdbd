using System;
using System.Runtime.InteropServices;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Devices;

namespace MLExt.Estimators.Tests
{
    [TestClass]
    public class CpuAllocatorTests
    {
        private const int BlockBytes = 16 << 20, PageBytes = 4096;

        [TestMethod]
        public void AFreedBlockIsReusedWithoutPageFaults()
        {
            // Only glibc has these settings: elsewhere (Windows, macOS, musl) the call must change nothing and say so.
            if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out _))
            {
                Assert.IsFalse(CpuAllocator.KeepFreedMemory());
                return;
            }
            Assert.IsTrue(CpuAllocator.KeepFreedMemory(), "mallopt refused the settings.");
            Assert.IsTrue(CpuAllocator.KeepFreedMemory(), "Calling it again must do no harm.");
            // The first block may take fresh pages; freed, it stays in the heap, so the second, of the same size, takes none.
            // (With glibc's defaults a 16 MB block is mapped afresh, or taken from the heap a page at a time: 4,096 faults.)
            TouchFreshBlock();
            long before = ThreadPageFaults();
            TouchFreshBlock();
            long faults = ThreadPageFaults() - before;
            Assert.IsTrue(faults < BlockBytes / PageBytes / 10, $"{faults} page faults for a reused 16 MB block.");
        }

        // AllocHGlobal is malloc on Unix.
        private static void TouchFreshBlock()
        {
            IntPtr block = Marshal.AllocHGlobal(BlockBytes);
            for (int offset = 0; offset < BlockBytes; offset += PageBytes)
                Marshal.WriteByte(block, offset, 1);
            Marshal.FreeHGlobal(block);
        }

        // Minor page faults of this thread alone (other tests may run on other threads meanwhile): getrusage(RUSAGE_THREAD).
        private static long ThreadPageFaults()
        {
            var usage = new long[18];
            Assert.AreEqual(0, GetResourceUsage(1, usage));
            // struct rusage: two timevals (4 longs), then maxrss, ixrss, idrss, isrss, minflt.
            return usage[8];
        }

        [DllImport("libc.so.6", EntryPoint = "getrusage")]
        private static extern int GetResourceUsage(int who, [Out] long[] usage);
    }
}
