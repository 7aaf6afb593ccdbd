using System;
using System.Linq;
using MLExt.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Transforms.QuickSelecting.Core
{
    /// <summary>
    /// The TorchSharp backend, for CUDA: the same network and updates as <see cref="SparseAutoencoder"/>, computed with dense
    /// matrices whose absent connections are held at zero by a mask. GPUs are fast at dense products, not at scattered sparse
    /// ones. The topology steps are the sparse layers' own (<see cref="SparseLayer.Evolve"/>), so both backends evolve alike.
    /// </summary>
    internal sealed class DenseMaskedAutoencoder : IAutoencoderBackend
    {
        private readonly SparseLayer _encoderTopology;
        private readonly SparseLayer _decoderTopology;
        private readonly AutoencoderSettings _settings;
        private readonly Device _device;
        private readonly DenseLayer _encoder;
        private readonly DenseLayer _decoder;
        private Tensor _lossSum;
        private long _lossRows;

        public DenseMaskedAutoencoder(SparseLayer encoder, SparseLayer decoder, AutoencoderSettings settings, Device device)
        {
            _encoderTopology = encoder;
            _decoderTopology = decoder;
            _settings = settings;
            _device = device;
            _encoder = new DenseLayer(encoder, device);
            _decoder = new DenseLayer(decoder, device);
            _lossSum = zeros(1, dtype: float64, device: device);
        }

        public long WeightBytes => _encoder.Bytes + _decoder.Bytes;

        public void Step(TrainingBatch batch)
        {
            using var scope = NewDisposeScope();
            int size = batch.Size;
            int features = _encoderTopology.Inputs, hidden = _encoderTopology.Outputs;
            // The batch is neuron-major; rows are samples here.
            Tensor clean = FromNeuronMajor(batch.Clean, features, size);
            Tensor noisy = FromNeuronMajor(batch.Noisy, features, size);
            Tensor dropout = FromNeuronMajor(batch.Dropout, hidden, size);

            Tensor activation = sigmoid(noisy.matmul(_encoder.Weight).Plus(_encoder.Bias));
            Tensor hiddenOut = activation * dropout;
            Tensor output = hiddenOut.matmul(_decoder.Weight).Plus(_decoder.Bias);
            Tensor error = output - clean;
            _lossSum.PlusInPlace(error.Squared().sum().to_type(float64));
            _lossRows += size;
            Tensor outputGradient = error.DividedBy(size);

            Tensor hiddenGradient = outputGradient.matmul(_decoder.Weight.t());
            _decoder.Update(hiddenOut, outputGradient, _settings);
            // As in the sparse backend: only inverted dropout masks the gradient to the encoder.
            Tensor preGradient = (_settings.Departures.InvertedDropout ? hiddenGradient * dropout : hiddenGradient) * activation * activation.SubtractedFrom(1);
            _encoder.Update(noisy, preGradient, _settings);
        }

        public double TakeEpochLoss()
        {
            double loss = _lossRows == 0 ? 0 : _lossSum.item<double>() / _lossRows;
            _lossSum.zero_();
            _lossRows = 0;
            return loss;
        }

        public float[] Evolve(double zeta, Random random)
        {
            bool glorot = _settings.Departures.GlorotUniformWeights;
            _encoder.CopyTo(_encoderTopology);
            _decoder.CopyTo(_decoderTopology);
            float[] pruned = _encoderTopology.Evolve(zeta, random, glorot);
            _decoderTopology.Evolve(zeta, random, glorot);
            _encoder.Load(_encoderTopology);
            _decoder.Load(_decoderTopology);
            return pruned;
        }

        public float[] InputStrengths()
        {
            using var scope = NewDisposeScope();
            return _encoder.Weight.abs().sum(dim: 1).cpu().data<float>().ToArray();
        }

        public void Dispose()
        {
            _encoder.Dispose();
            _decoder.Dispose();
            _lossSum.Dispose();
        }

        private Tensor FromNeuronMajor(float[] values, int neurons, int size)
            => tensor(values.AsSpan(0, neurons * size).ToArray(), new long[] { neurons, size }).to(_device).t();

        /// <summary>A dense weight matrix [inputs, outputs] with its 0/1 mask, momentum and bias.</summary>
        private sealed class DenseLayer : IDisposable
        {
            private readonly Device _device;
            private readonly int _inputs;
            private readonly int _outputs;

            public DenseLayer(SparseLayer layer, Device device)
            {
                _device = device;
                _inputs = layer.Inputs;
                _outputs = layer.Outputs;
                Load(layer);
            }

            public Tensor Weight { get; private set; }

            public Tensor Mask { get; private set; }

            public Tensor Velocity { get; private set; }

            public Tensor Bias { get; private set; }

            public Tensor BiasVelocity { get; private set; }

            public long Bytes => 4L * (3 * Weight.numel() + 2 * Bias.numel());

            /// <summary>Scatters the sparse layer's connections into dense matrices.</summary>
            public void Load(SparseLayer layer)
            {
                var weight = new float[_inputs * _outputs];
                var mask = new float[_inputs * _outputs];
                var velocity = new float[_inputs * _outputs];
                foreach (Connection c in layer.Connections())
                {
                    int k = c.Input * _outputs + c.Output;
                    weight[k] = c.Weight;
                    velocity[k] = c.Velocity;
                    mask[k] = 1;
                }
                Dispose();
                long[] shape = { _inputs, _outputs };
                Weight = tensor(weight, shape).to(_device).DetachFromDisposeScope();
                Mask = tensor(mask, shape).to(_device).DetachFromDisposeScope();
                Velocity = tensor(velocity, shape).to(_device).DetachFromDisposeScope();
                Bias = tensor(layer.Bias.ToArray()).to(_device).DetachFromDisposeScope();
                BiasVelocity = tensor(layer.BiasVelocity.ToArray()).to(_device).DetachFromDisposeScope();
            }

            /// <summary>Gathers the dense values of the sparse layer's connections back into it.</summary>
            public void CopyTo(SparseLayer layer)
            {
                float[] weight = Weight.cpu().data<float>().ToArray(), velocity = Velocity.cpu().data<float>().ToArray();
                Connection[] connections = layer.Connections().ToArray();
                layer.SetValues(connections.Select(c => weight[c.Input * _outputs + c.Output]).ToArray(),
                    connections.Select(c => velocity[c.Input * _outputs + c.Output]).ToArray(),
                    Bias.cpu().data<float>().ToArray(), BiasVelocity.cpu().data<float>().ToArray());
            }

            /// <summary>Momentum SGD with weight decay as <see cref="SparseLayer.Update"/> applies it, the gradient masked so absent
            /// connections stay at zero.</summary>
            public void Update(Tensor input, Tensor outputGradient, AutoencoderSettings settings)
            {
                Tensor gradient = input.t().matmul(outputGradient).mul_(Mask).PlusInPlace(Weight, settings.GradientDecay);
                Velocity.TimesInPlace(settings.Momentum).PlusInPlace(gradient, -settings.LearningRate);
                Weight.TimesInPlace(1 - settings.StepDecay).PlusInPlace(Velocity);
                BiasVelocity.TimesInPlace(settings.Momentum).PlusInPlace(outputGradient.sum(dim: 0), -settings.LearningRate);
                Bias.TimesInPlace(1 - settings.StepDecay).PlusInPlace(BiasVelocity);
            }

            public void Dispose()
            {
                Weight?.Dispose();
                Mask?.Dispose();
                Velocity?.Dispose();
                Bias?.Dispose();
                BiasVelocity?.Dispose();
            }
        }
    }
}
