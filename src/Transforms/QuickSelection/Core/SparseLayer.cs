using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading.Tasks;

namespace MLExt.Transforms.QuickSelecting.Core
{
    /// <summary>One connection of a sparse layer: input neuron, output neuron, weight and momentum.</summary>
    internal readonly record struct Connection(int Input, int Output, float Weight, float Velocity);

    /// <summary>
    /// A truly sparse fully-connected layer: only existing connections are stored (compressed by output neuron, with a second
    /// index grouping the same connections by input neuron), and every kernel touches only them. There is no dense weight
    /// matrix anywhere. Activations are kept neuron-major (<c>[neuron * batch + sample]</c>), so each connection's work is a
    /// contiguous run over the batch that vectorizes.
    /// </summary>
    internal sealed class SparseLayer
    {
        // By output: connections of output j are OutputStart[j] .. OutputStart[j + 1] − 1.
        private int[] _outputStart;
        private int[] _input;
        private int[] _output;
        private float[] _weight;
        private float[] _velocity;
        // By input: ByInput[InputStart[i] .. InputStart[i + 1] − 1] are the positions of input i's connections.
        private int[] _inputStart;
        private int[] _byInput;
        private readonly float[] _bias;
        private readonly float[] _biasVelocity;

        public SparseLayer(int inputs, int outputs, IEnumerable<Connection> connections)
        {
            Inputs = inputs;
            Outputs = outputs;
            _bias = new float[outputs];
            _biasVelocity = new float[outputs];
            SetConnections(connections.ToArray());
        }

        public int Inputs { get; }

        public int Outputs { get; }

        public int ConnectionCount => _weight.Length;

        public ReadOnlySpan<float> Bias => _bias;

        /// <summary>Bytes held for the weights: values, momentum, the indices and the biases.</summary>
        public long WeightBytes => 4L * (_outputStart.Length + _input.Length + _output.Length + _weight.Length + _velocity.Length + _inputStart.Length + _byInput.Length + 2 * _bias.Length);

        /// <summary>
        /// Erdős–Rényi connectivity as the QuickSelection authors build it: ε(inputs + outputs) positions drawn at random with
        /// replacement (a position drawn twice is one connection), each with a weight drawn from N(0, 1) / 10, or with
        /// <c>glorotUniform</c> uniformly within the Glorot limit of the layer's expected fan-in and fan-out.
        /// </summary>
        public static SparseLayer ErdosRenyi(int inputs, int outputs, double epsilon, Random random, bool glorotUniform = false)
        {
            long draws = (long)(epsilon * (inputs + outputs));
            float limit = GlorotLimit(inputs, outputs, Math.Min(1.0, draws / ((double)inputs * outputs)));
            var weights = new Dictionary<long, float>();
            for (long d = 0; d < draws; d++)
            {
                int i = random.Next(inputs), j = random.Next(outputs);
                weights[(long)i * outputs + j] = NewWeight(random, glorotUniform, limit);
            }
            return new SparseLayer(inputs, outputs, weights.Select(p => new Connection((int)(p.Key / outputs), (int)(p.Key % outputs), p.Value, 0)));
        }

        public IEnumerable<Connection> Connections()
        {
            for (int j = 0; j < Outputs; j++)
                for (int c = _outputStart[j]; c < _outputStart[j + 1]; c++)
                    yield return new Connection(_input[c], j, _weight[c], _velocity[c]);
        }

        /// <summary>Replaces the weights and momentum of the existing connections, in <see cref="Connections"/>' order.</summary>
        public void SetValues(ReadOnlySpan<float> weights, ReadOnlySpan<float> velocities, ReadOnlySpan<float> bias, ReadOnlySpan<float> biasVelocity)
        {
            weights.CopyTo(_weight);
            velocities.CopyTo(_velocity);
            bias.CopyTo(_bias);
            biasVelocity.CopyTo(_biasVelocity);
        }

        public ReadOnlySpan<float> BiasVelocity => _biasVelocity;

        /// <summary>output[j, :] = bias[j] + Σ w · input[i, :] over j's connections. Parallel over outputs: no two threads write one row.</summary>
        public void Forward(float[] input, float[] output, int batch)
        {
            Parallel.For(0, Outputs, j =>
            {
                Span<float> row = output.AsSpan(j * batch, batch);
                row.Fill(_bias[j]);
                for (int c = _outputStart[j]; c < _outputStart[j + 1]; c++)
                    Axpy(_weight[c], input.AsSpan(_input[c] * batch, batch), row);
            });
        }

        /// <summary>inputGradient[i, :] = Σ w · outputGradient[j, :] over i's connections (the transpose product). Parallel over inputs.</summary>
        public void BackwardInput(float[] outputGradient, float[] inputGradient, int batch)
        {
            Parallel.For(0, Inputs, i =>
            {
                Span<float> row = inputGradient.AsSpan(i * batch, batch);
                row.Clear();
                for (int k = _inputStart[i]; k < _inputStart[i + 1]; k++)
                {
                    int c = _byInput[k];
                    Axpy(_weight[c], outputGradient.AsSpan(_output[c] * batch, batch), row);
                }
            });
        }

        /// <summary>
        /// One step of SGD with momentum on the existing connections, from the batch's input and output gradient: the gradient of
        /// a connection is the dot product of its input's activations and its output's gradient over the batch. Weight decay is
        /// either taken off every weight and bias after the step (<c>w ← (1 − stepDecay) w + v</c>, as the authors' code does) or
        /// added to the weights' gradient (<c>gradientDecay</c>, L2 as in most SGD code, biases spared).
        /// </summary>
        public void Update(float[] input, float[] outputGradient, int batch, float learningRate, float momentum, float gradientDecay, float stepDecay)
        {
            Parallel.For(0, Outputs, j =>
            {
                ReadOnlySpan<float> gradient = outputGradient.AsSpan(j * batch, batch);
                for (int c = _outputStart[j]; c < _outputStart[j + 1]; c++)
                {
                    float g = Dot(input.AsSpan(_input[c] * batch, batch), gradient) + gradientDecay * _weight[c];
                    _velocity[c] = momentum * _velocity[c] - learningRate * g;
                    _weight[c] = (1 - stepDecay) * _weight[c] + _velocity[c];
                }
                float biasGradient = Sum(gradient);
                _biasVelocity[j] = momentum * _biasVelocity[j] - learningRate * biasGradient;
                _bias[j] = (1 - stepDecay) * _bias[j] + _biasVelocity[j];
            });
        }

        /// <summary>Σ |w| over each input's connections: QuickSelection's neuron strength.</summary>
        public float[] InputStrengths()
        {
            var strength = new float[Inputs];
            for (int i = 0; i < Inputs; i++)
                for (int k = _inputStart[i]; k < _inputStart[i + 1]; k++)
                    strength[i] += Math.Abs(_weight[_byInput[k]]);
            return strength;
        }

        /// <summary>
        /// Sparse evolutionary training's topology step: removes the fraction ζ of positive weights closest to zero and the
        /// fraction ζ of negative weights closest to zero, then grows as many new connections at random empty positions, with
        /// weights drawn like the initial ones and no momentum. The connection count is unchanged.
        /// </summary>
        /// <returns>The input strengths between pruning and regrowth (what the authors' code ranks on after its last topology step).</returns>
        public float[] Evolve(double zeta, Random random, bool glorotUniform = false)
        {
            Connection[] all = Connections().ToArray();
            float[] positive = all.Where(c => c.Weight > 0).Select(c => c.Weight).OrderBy(w => w).ToArray();
            float[] negative = all.Where(c => c.Weight < 0).Select(c => c.Weight).OrderByDescending(w => w).ToArray();
            int removePositive = (int)(zeta * positive.Length), removeNegative = (int)(zeta * negative.Length);
            // Ties at a threshold are broken by position so that exactly the counted number goes.
            float positiveCut = removePositive > 0 ? positive[removePositive - 1] : 0, negativeCut = removeNegative > 0 ? negative[removeNegative - 1] : 0;
            var kept = new List<Connection>(all.Length);
            var prunedStrengths = new float[Inputs];
            foreach (Connection c in all)
            {
                if (c.Weight > 0 && removePositive > 0 && c.Weight <= positiveCut)
                {
                    removePositive--;
                    continue;
                }
                if (c.Weight < 0 && removeNegative > 0 && c.Weight >= negativeCut)
                {
                    removeNegative--;
                    continue;
                }
                kept.Add(c);
                prunedStrengths[c.Input] += Math.Abs(c.Weight);
            }
            int grow = all.Length - kept.Count;
            var occupied = new HashSet<long>(kept.Select(c => (long)c.Input * Outputs + c.Output));
            float limit = GlorotLimit(Inputs, Outputs, all.Length / ((double)Inputs * Outputs));
            while (grow > 0 && occupied.Count < (long)Inputs * Outputs)
            {
                int i = random.Next(Inputs), j = random.Next(Outputs);
                if (!occupied.Add((long)i * Outputs + j))
                    continue;
                kept.Add(new Connection(i, j, NewWeight(random, glorotUniform, limit), 0));
                grow--;
            }
            SetConnections(kept.ToArray());
            return prunedStrengths;
        }

        /// <summary>A new connection's weight: N(0, 1) / 10 as the authors draw it, or uniform within ±<c>glorotLimit</c>.</summary>
        private static float NewWeight(Random random, bool glorotUniform, float glorotLimit)
        {
            if (glorotUniform)
                return (float)((2 * random.NextDouble() - 1) * glorotLimit);
            // Box–Muller; 1 − u keeps the logarithm's argument above zero.
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            return (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v) / 10);
        }

        private static float GlorotLimit(int inputs, int outputs, double density)
            => (float)Math.Sqrt(6.0 / Math.Max(1e-9, density * (inputs + outputs)));

        private void SetConnections(Connection[] connections)
        {
            foreach (Connection c in connections)
                if (c.Input < 0 || c.Input >= Inputs || c.Output < 0 || c.Output >= Outputs)
                    throw new ArgumentOutOfRangeException(nameof(connections), $"Connection ({c.Input}, {c.Output}) is outside a {Inputs} x {Outputs} layer.");
            Array.Sort(connections, (a, b) => a.Output != b.Output ? a.Output.CompareTo(b.Output) : a.Input.CompareTo(b.Input));
            _outputStart = new int[Outputs + 1];
            _input = new int[connections.Length];
            _output = new int[connections.Length];
            _weight = new float[connections.Length];
            _velocity = new float[connections.Length];
            for (int c = 0; c < connections.Length; c++)
            {
                _outputStart[connections[c].Output + 1]++;
                _input[c] = connections[c].Input;
                _output[c] = connections[c].Output;
                _weight[c] = connections[c].Weight;
                _velocity[c] = connections[c].Velocity;
            }
            for (int j = 0; j < Outputs; j++)
                _outputStart[j + 1] += _outputStart[j];
            _inputStart = new int[Inputs + 1];
            foreach (int i in _input)
                _inputStart[i + 1]++;
            for (int i = 0; i < Inputs; i++)
                _inputStart[i + 1] += _inputStart[i];
            _byInput = new int[connections.Length];
            var next = (int[])_inputStart.Clone();
            for (int c = 0; c < connections.Length; c++)
                _byInput[next[_input[c]]++] = c;
        }

        private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var va = new Vector<float>(a);
                for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                    (new Vector<float>(y.Slice(i)) + va * new Vector<float>(x.Slice(i))).CopyTo(y.Slice(i));
            }
            for (; i < x.Length; i++)
                y[i] += a * x[i];
        }

        private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            int i = 0;
            float sum = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var acc = Vector<float>.Zero;
                for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                    acc += new Vector<float>(x.Slice(i)) * new Vector<float>(y.Slice(i));
                sum = Vector.Sum(acc);
            }
            for (; i < x.Length; i++)
                sum += x[i] * y[i];
            return sum;
        }

        private static float Sum(ReadOnlySpan<float> x)
        {
            float sum = 0;
            foreach (float v in x)
                sum += v;
            return sum;
        }
    }
}
