using System.Linq;
using TorchSharp;
using MLExt.Neural.Networks;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Compression after training: a network whose quantized or pruned fields trained in their training form (see
    /// <see cref="FieldTableSpec.TrainingForm"/>) becomes the network of the final spec, those fields' trained tables quantized or
    /// pruned to the largest entries and every other weight copied.
    /// </summary>
    internal static class PostTrainingCompression
    {
        /// <summary>The spec to train with: each field in its training form.</summary>
        public static NetworkSpec TrainingSpec(NetworkSpec final)
            => final.Tables is null || final.Tables.All(t => t.Trains) ? final
                : final with { Tables = final.Tables.Select(t => t.TrainingForm).ToArray() };

        /// <summary>The final network with the trained weights, its post-training fields compressed; <paramref name="trained"/> is disposed.</summary>
        public static NeuralNetwork Apply(NeuralNetwork trained, NetworkSpec final, Device device)
        {
            NeuralNetwork compressed = NeuralNetwork.Create(final);
            try
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                compressed.to(device);
                var source = trained.state_dict();
                foreach (var (name, target) in compressed.state_dict())
                {
                    if (source.TryGetValue(name, out Tensor value) && value.shape.SequenceEqual(target.shape))
                        target.copy_(value);
                }
                for (int f = 0; f < final.FieldCount; f++)
                {
                    if (final.Tables[f].Trains)
                        continue;
                    compressed.Embedding.TableOf(f).CompressFrom(trained.Embedding.TableOf(f), final.FieldSizes[f]);
                }
                compressed.eval();
                return compressed;
            }
            catch
            {
                compressed.Dispose();
                throw;
            }
            finally
            {
                trained.Dispose();
            }
        }
    }
}
