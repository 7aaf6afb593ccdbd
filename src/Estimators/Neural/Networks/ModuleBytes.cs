using System.Linq;
using TorchSharp;

namespace MLExt.Neural.Networks
{
    internal static class ModuleBytes
    {
        /// <summary>Bytes a module takes as stored and saved: its parameters and buffers (quantized tables hold buffers).</summary>
        public static long Stored(torch.nn.Module module) => module.parameters().Concat(module.buffers()).Sum(p => p.numel() * p.element_size());
    }
}
