using System;
using System.Globalization;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace MLExt.Devices
{
    /// <summary>
    /// Picks the TorchSharp device for a component, the same way for every MLExt component.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>A per-estimator <c>Device</c> option wins: <c>"cpu"</c>, <c>"cuda"</c> or <c>"cuda:N"</c>. Naming CUDA
    /// explicitly fails fast when CUDA (or device N) is not there: the user asked for it by name.</item>
    /// <item>Otherwise <see cref="Microsoft.ML.MLContext.GpuDeviceId"/> decides: null means CPU; a device id means
    /// that CUDA device, and when it is not available, CPU with a warning if
    /// <see cref="Microsoft.ML.MLContext.FallbackToCpu"/> is true, else an error.</item>
    /// </list>
    /// The device is a run-time choice and is never saved with a model.
    /// </remarks>
    internal static class TorchDeviceResolver
    {
        /// <summary>Resolves the device for <paramref name="env"/> and an optional per-estimator override.</summary>
        public static torch.Device Resolve(IHostEnvironment env, string deviceOverride = null)
        {
            Contracts.CheckValue(env, nameof(env));
            var settings = env as IHostEnvironmentInternal;
            bool cudaAvailable = torch.cuda.is_available();
            int cudaCount = cudaAvailable ? torch.cuda.device_count() : 0;
            DeviceChoice choice = Choose(deviceOverride, settings?.GpuDeviceId, settings?.FallbackToCpu ?? true, cudaCount);
            if (choice.Warning != null)
            {
                using IChannel channel = env.Start(nameof(TorchDeviceResolver));
                channel.Warning(choice.Warning);
            }
            return choice.CudaIndex is int index ? new torch.Device(DeviceType.CUDA, index) : torch.CPU;
        }

        /// <summary>
        /// Whether the options ask for CUDA (the override names it, or without an override the context sets a GPU device id); when
        /// they do not, <see cref="Resolve"/> gives the CPU on any machine, so it can run in the background while other work goes on
        /// (its first use of TorchSharp loads libtorch, a few tenths of a second).
        /// </summary>
        public static bool AsksForCuda(IHostEnvironment env, string deviceOverride = null)
            => string.IsNullOrWhiteSpace(deviceOverride)
                ? (env as IHostEnvironmentInternal)?.GpuDeviceId != null
                : deviceOverride.Trim().ToLowerInvariant() != "cpu";

        /// <summary>The decision itself, free of TorchSharp so it can be tested on any machine.</summary>
        /// <param name="deviceOverride">The estimator's Device option, or null to follow the context.</param>
        /// <param name="contextGpuDeviceId">MLContext.GpuDeviceId.</param>
        /// <param name="contextFallbackToCpu">MLContext.FallbackToCpu.</param>
        /// <param name="cudaDeviceCount">How many CUDA devices this process can use (0 when none).</param>
        public static DeviceChoice Choose(string deviceOverride, int? contextGpuDeviceId, bool contextFallbackToCpu, int cudaDeviceCount)
        {
            if (!string.IsNullOrWhiteSpace(deviceOverride))
            {
                string text = deviceOverride.Trim().ToLowerInvariant();
                if (text == "cpu")
                    return new DeviceChoice(null, null);
                if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
                {
                    int index = 0;
                    if (text.Length > 4 && !int.TryParse(text.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
                        throw new ArgumentException($"Device '{deviceOverride}' is not understood: use \"cpu\", \"cuda\" or \"cuda:N\".", nameof(deviceOverride));
                    if (cudaDeviceCount == 0)
                        throw new InvalidOperationException(
                            $"Device '{deviceOverride}' was requested but CUDA is not available in this process. " +
                            "Reference the TorchSharp-cuda-linux (or -windows) package and check the NVIDIA driver, or use \"cpu\".");
                    if (index >= cudaDeviceCount)
                        throw new InvalidOperationException(
                            $"Device '{deviceOverride}' was requested but only {cudaDeviceCount} CUDA device(s) are present (indices 0..{cudaDeviceCount - 1}).");
                    return new DeviceChoice(index, null);
                }
                throw new ArgumentException($"Device '{deviceOverride}' is not understood: use \"cpu\", \"cuda\" or \"cuda:N\".", nameof(deviceOverride));
            }

            if (contextGpuDeviceId is not int gpu)
                return new DeviceChoice(null, null);
            if (gpu < 0)
                throw new ArgumentOutOfRangeException(nameof(contextGpuDeviceId), $"MLContext.GpuDeviceId is {gpu}; it must be 0 or more.");
            if (gpu < cudaDeviceCount)
                return new DeviceChoice(gpu, null);
            string problem = cudaDeviceCount == 0
                ? $"MLContext.GpuDeviceId is {gpu} but CUDA is not available in this process"
                : $"MLContext.GpuDeviceId is {gpu} but only {cudaDeviceCount} CUDA device(s) are present";
            if (contextFallbackToCpu)
                return new DeviceChoice(null, problem + "; falling back to the CPU (MLContext.FallbackToCpu is true).");
            throw new InvalidOperationException(problem + " and MLContext.FallbackToCpu is false.");
        }
    }

    /// <summary>The outcome of device resolution: a CUDA index, or null for the CPU, and a warning to log.</summary>
    internal readonly record struct DeviceChoice(int? CudaIndex, string Warning);
}
