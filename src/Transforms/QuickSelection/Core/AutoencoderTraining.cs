using System;
using System.Linq;

namespace MLExt.Transforms.QuickSelecting.Core
{
    /// <summary>The hyper-parameters of the denoising autoencoder and its sparse evolutionary training.</summary>
    internal sealed record AutoencoderSettings(int Hidden, double Epsilon, double Zeta, double NoiseFactor, int Epochs, int BatchSize,
        float LearningRate, float Momentum, float WeightDecay, double HiddenDropout, TrainingDepartures Departures = null)
    {
        public TrainingDepartures Departures { get; init; } = Departures ?? new TrainingDepartures();

        /// <summary>Weight decay added to the weights' gradient (L2), or none.</summary>
        public float GradientDecay => Departures.DecayThroughGradient ? WeightDecay : 0;

        /// <summary>The share of every weight and bias taken off after each step, or none.</summary>
        public float StepDecay => Departures.DecayThroughGradient ? 0 : WeightDecay;
    }

    /// <summary>
    /// Where training may depart from the QuickSelection authors' code (Sparse_DAE.py); all false is their behaviour: weights
    /// drawn N(0, 1) / 10; one noisy copy of the data drawn before training and reused every epoch; dropout that zeroes hidden
    /// units without rescaling the kept ones, its mask not applied to the gradient reaching the encoder; weight decay taken off
    /// weights and biases after each step; features ranked on the encoder as it stood after the last pruning (before the last
    /// regrowth and the last epoch). RankFinalWeights is public as QuickSelectionOptions.RankOnFinalWeights, the one that
    /// measured better; the others stay for the benchmark that ablates them.
    /// </summary>
    internal sealed record TrainingDepartures(bool GlorotUniformWeights = false, bool FreshNoisePerBatch = false, bool InvertedDropout = false,
        bool DecayThroughGradient = false, bool RankFinalWeights = false);

    /// <summary>
    /// One mini-batch, neuron-major (<c>[feature * Size + sample]</c>): the clean rows (the reconstruction target), the rows with
    /// Gaussian noise added (the network's input), and the hidden dropout multipliers (0 for dropped units; 1, or 1 / (1 − p) with
    /// inverted dropout, for kept ones).
    /// Built once and handed to whichever backend trains, so both see exactly the same data and randomness.
    /// </summary>
    internal sealed class TrainingBatch
    {
        public TrainingBatch(int features, int hidden, int capacity)
        {
            Clean = new float[features * capacity];
            Noisy = new float[features * capacity];
            Dropout = new float[hidden * capacity];
        }

        public int Size { get; set; }

        public float[] Clean { get; }

        public float[] Noisy { get; }

        public float[] Dropout { get; }
    }

    /// <summary>What trains the autoencoder: the truly sparse CPU kernels, or a dense masked TorchSharp network (for CUDA).</summary>
    internal interface IAutoencoderBackend : IDisposable
    {
        /// <summary>Forward pass, backward pass and one momentum-SGD step on the batch.</summary>
        void Step(TrainingBatch batch);

        /// <summary>The mean squared reconstruction error per row over the steps since the last call.</summary>
        double TakeEpochLoss();

        /// <summary>The topology step of sparse evolutionary training on both layers; returns the encoder's input strengths
        /// between pruning and regrowth.</summary>
        float[] Evolve(double zeta, Random random);

        /// <summary>Σ |w| of each input neuron's connections to the hidden layer.</summary>
        float[] InputStrengths();

        /// <summary>Bytes the weights take (values, momentum, and indices or masks).</summary>
        long WeightBytes { get; }
    }

    /// <summary>
    /// QuickSelection's training loop (Atashgahi et al. 2022): a denoising autoencoder whose two layers start with Erdős–Rényi
    /// sparse connectivity and, after every epoch but the last, lose the weakest fraction ζ of their positive and negative
    /// weights and regrow as many at random. The strength of an input neuron then ranks the features.
    /// </summary>
    internal static class AutoencoderTraining
    {
        /// <summary>The two layers' starting topology and weights, the same for every backend given the same random.</summary>
        public static (SparseLayer Encoder, SparseLayer Decoder) InitialLayers(int features, AutoencoderSettings settings, Random random)
        {
            bool glorot = settings.Departures.GlorotUniformWeights;
            return (SparseLayer.ErdosRenyi(features, settings.Hidden, settings.Epsilon, random, glorot),
                SparseLayer.ErdosRenyi(settings.Hidden, features, settings.Epsilon, random, glorot));
        }

        /// <summary>Trains <c>backend</c> on <c>rows</c> (already scaled) and returns the input strengths; <c>progress</c> is called
        /// after each epoch with its index and mean reconstruction loss.</summary>
        public static float[] Train(IAutoencoderBackend backend, float[][] rows, AutoencoderSettings settings, Random random, Action<int, double> progress)
        {
            TrainingDepartures departures = settings.Departures;
            int features = rows[0].Length;
            var batch = new TrainingBatch(features, settings.Hidden, settings.BatchSize);
            var noise = new NoiseSource(random.NextInt64());
            float noiseFactor = (float)settings.NoiseFactor;
            float[][] noisyRows = departures.FreshNoisePerBatch ? null
                : rows.Select(row => row.Select(v => v + noiseFactor * noise.Normal()).ToArray()).ToArray();
            int[] order = Enumerable.Range(0, rows.Length).ToArray();
            float keepScale = departures.InvertedDropout ? (float)(1 / (1 - settings.HiddenDropout)) : 1;
            float[] strengths = null;
            for (int epoch = 0; epoch < settings.Epochs; epoch++)
            {
                random.Shuffle(order);
                // As the authors' loop: whole batches only (the shuffle lets every row in over the epochs), unless no whole batch fits.
                int batches = Math.Max(1, rows.Length / settings.BatchSize);
                for (int start = 0; start < batches * settings.BatchSize && start < rows.Length; start += settings.BatchSize)
                {
                    int size = Math.Min(settings.BatchSize, rows.Length - start);
                    batch.Size = size;
                    for (int b = 0; b < size; b++)
                    {
                        float[] row = rows[order[start + b]], noisy = noisyRows?[order[start + b]];
                        for (int f = 0; f < features; f++)
                            batch.Clean[f * size + b] = row[f];
                        if (noisy != null)
                            for (int f = 0; f < features; f++)
                                batch.Noisy[f * size + b] = noisy[f];
                        else
                            for (int f = 0; f < features; f++)
                                batch.Noisy[f * size + b] = row[f] + noiseFactor * noise.Normal();
                    }
                    for (int k = 0; k < settings.Hidden * size; k++)
                        batch.Dropout[k] = noise.Uniform() < settings.HiddenDropout ? 0 : keepScale;
                    backend.Step(batch);
                }
                if (epoch < settings.Epochs - 1)
                {
                    float[] pruned = backend.Evolve(settings.Zeta, random);
                    if (!departures.RankFinalWeights)
                        strengths = pruned;
                }
                progress?.Invoke(epoch, backend.TakeEpochLoss());
            }
            return strengths ?? backend.InputStrengths();
        }

        /// <summary>
        /// Fast seeded noise: a splitmix64 stream, with normals looked up in a table of 65,536 exact standard-normal quantiles.
        /// Drawing tens of millions of Box–Muller normals per epoch would cost more than the sparse training itself.
        /// </summary>
        private sealed class NoiseSource
        {
            private static readonly float[] Normals = Enumerable.Range(0, 1 << 16).Select(k => (float)InverseNormal((k + 0.5) / (1 << 16))).ToArray();
            private ulong _state;

            public NoiseSource(long seed) => _state = (ulong)seed;

            public float Normal() => Normals[Next() >> 48];

            public float Uniform() => (Next() >> 40) * (1f / (1 << 24));

            private ulong Next()
            {
                ulong z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }

            // Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9).
            private static double InverseNormal(double p)
            {
                double[] a = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
                double[] b = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
                double[] c = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
                double[] d = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };
                if (p < 0.02425)
                {
                    double q = Math.Sqrt(-2 * Math.Log(p));
                    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
                }
                if (p > 1 - 0.02425)
                    return -InverseNormal(1 - p);
                double r = p - 0.5, s = r * r;
                return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
            }
        }
    }
}
