using System;
using System.Runtime.InteropServices;

namespace MLExt.Devices
{
    /// <summary>
    /// Process-wide settings of the C library's allocator, which libtorch allocates its CPU tensors with.
    /// </summary>
    public static class CpuAllocator
    {
        // mallopt parameters (glibc's malloc.h).
        private const int TrimThreshold = -1, TopPad = -2, MapThreshold = -3;

        /// <summary>
        /// Makes glibc keep the memory it frees for reuse rather than hand it back to the kernel: blocks of up to 32 MB come from
        /// the heap instead of fresh mappings, up to 2 GB of free heap is kept rather than trimmed, and the heap grows 256 MB at a
        /// time. A training step allocates its tensors (megabytes each) with <c>malloc</c> and frees them; with glibc's defaults the
        /// memory goes back to the kernel and returns a page at a time, tens of thousands of page faults an epoch, which cost
        /// microseconds each on a virtual machine. The same as starting the process with <c>MALLOC_MMAP_THRESHOLD_=33554432
        /// MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_TOP_PAD_=268435456</c>.
        /// </summary>
        /// <remarks>
        /// Call it once at start-up, before training. It applies to the whole process, which then holds on to the native memory
        /// it has freed (up to its peak use): the reason MLExt never calls it itself.
        /// </remarks>
        /// <returns>True when the settings were applied (Linux with glibc); false elsewhere, where nothing changes.</returns>
        public static bool KeepFreedMemory()
        {
            if (!OperatingSystem.IsLinux())
                return false;
            try
            {
                // mallopt returns 1 on success; the thresholds are fixed from then on (glibc no longer adapts them).
                return MallOpt(MapThreshold, 32 << 20) == 1 & MallOpt(TrimThreshold, int.MaxValue) == 1 & MallOpt(TopPad, 256 << 20) == 1;
            }
            catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
            {
                // Another C library (musl): it has no such settings.
                return false;
            }
        }

        [DllImport("libc.so.6", EntryPoint = "mallopt")]
        private static extern int MallOpt(int parameter, int value);
    }
}
