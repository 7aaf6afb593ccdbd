using System;
using System.Threading.Tasks;

namespace MLExt.Transforms.QuickSelecting.Core
{
    /// <summary>
    /// The truly sparse CPU backend: a sigmoid hidden layer and a linear output, both <see cref="SparseLayer"/>s, trained on
    /// squared reconstruction error with momentum SGD. Work and memory scale with the connections, not with inputs x hidden.
    /// </summary>
    internal sealed class SparseAutoencoder : IAutoencoderBackend
    {
        private readonly SparseLayer _encoder;
        private readonly SparseLayer _decoder;
        private readonly AutoencoderSettings _settings;
        private readonly float[] _activation;
        private readonly float[] _hidden;
        private readonly float[] _hiddenGradient;
        private readonly float[] _output;
        private double _lossSum;
        private long _lossRows;

        public SparseAutoencoder(SparseLayer encoder, SparseLayer decoder, AutoencoderSettings settings)
        {
            _encoder = encoder;
            _decoder = decoder;
            _settings = settings;
            _activation = new float[encoder.Outputs * settings.BatchSize];
            _hidden = new float[encoder.Outputs * settings.BatchSize];
            _hiddenGradient = new float[encoder.Outputs * settings.BatchSize];
            _output = new float[decoder.Outputs * settings.BatchSize];
        }

        public SparseLayer Encoder => _encoder;

        public SparseLayer Decoder => _decoder;

        public long WeightBytes => _encoder.WeightBytes + _decoder.WeightBytes;

        public void Step(TrainingBatch batch)
        {
            int size = batch.Size;
            int hidden = _encoder.Outputs * size, outputs = _decoder.Outputs * size;
            _encoder.Forward(batch.Noisy, _activation, size);
            Parallel.For(0, _encoder.Outputs, j =>
            {
                for (int k = j * size; k < (j + 1) * size; k++)
                {
                    float a = 1 / (1 + MathF.Exp(-_activation[k]));
                    _activation[k] = a;
                    _hidden[k] = a * batch.Dropout[k];
                }
            });
            _decoder.Forward(_hidden, _output, size);

            // d(loss)/d(output) for loss = mean over rows of ½‖output − clean‖²; _output becomes that gradient.
            double loss = 0;
            for (int k = 0; k < outputs; k++)
            {
                float error = _output[k] - batch.Clean[k];
                loss += error * error;
                _output[k] = error / size;
            }
            _lossSum += loss;
            _lossRows += size;

            // Backpropagate through the decoder's weights before they change.
            _decoder.BackwardInput(_output, _hiddenGradient, size);
            _decoder.Update(_hidden, _output, size, _settings.LearningRate, _settings.Momentum, _settings.GradientDecay, _settings.StepDecay);
            // The authors' backward pass does not mask the dropped units' gradient to the encoder; inverted dropout does.
            bool maskGradient = _settings.Departures.InvertedDropout;
            for (int k = 0; k < hidden; k++)
                _hiddenGradient[k] *= (maskGradient ? batch.Dropout[k] : 1) * _activation[k] * (1 - _activation[k]);
            _encoder.Update(batch.Noisy, _hiddenGradient, size, _settings.LearningRate, _settings.Momentum, _settings.GradientDecay, _settings.StepDecay);
        }

        public double TakeEpochLoss()
        {
            double loss = _lossRows == 0 ? 0 : _lossSum / _lossRows;
            _lossSum = 0;
            _lossRows = 0;
            return loss;
        }

        public float[] Evolve(double zeta, Random random)
        {
            bool glorot = _settings.Departures.GlorotUniformWeights;
            float[] pruned = _encoder.Evolve(zeta, random, glorot);
            _decoder.Evolve(zeta, random, glorot);
            return pruned;
        }

        public float[] InputStrengths() => _encoder.InputStrengths();

        public void Dispose()
        {
        }
    }
}
