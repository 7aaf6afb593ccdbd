using System;
using System.Collections.Generic;
using System.Linq;
using MLExt.Devices;
using MLExt.Trainers;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Adam and Adagrad, step for step as TorchSharp's <c>torch.optim</c> computes them (the same operations in the same order, so
    /// the same weights), but passing their numbers to libtorch through <see cref="TorchScalars"/>: TorchSharp's optimizers leave
    /// each step's Scalars to the finalizer, which can free one during the call that reads it while other threads allocate (the
    /// trainer featurizes the next rows while it steps).
    /// </summary>
    internal abstract class ParameterOptimizer : IDisposable
    {
        protected readonly Parameter[] Parameters;

        protected ParameterOptimizer(IEnumerable<Parameter> parameters, double learningRate)
        {
            Parameters = parameters.ToArray();
            LearningRate = learningRate;
        }

        /// <summary>The step size; lowered on a plateau of the validation metric.</summary>
        public double LearningRate { get; set; }

        /// <summary>The optimizer <paramref name="kind"/> over <paramref name="parameters"/>, with libtorch's defaults otherwise.</summary>
        public static ParameterOptimizer For(CtrOptimizer kind, IEnumerable<Parameter> parameters, double learningRate) => kind == CtrOptimizer.Adagrad
            ? new AdagradOptimizer(parameters, learningRate)
            : new AdamOptimizer(parameters, learningRate);

        /// <summary>Sets every gradient to zero (gradients not yet made stay none).</summary>
        public void ZeroGrad()
        {
            foreach (Parameter parameter in Parameters)
            {
                using Tensor gradient = parameter.grad;
                gradient?.zero_();
            }
        }

        /// <summary>One update of every parameter that has a gradient.</summary>
        public void Step()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            for (int i = 0; i < Parameters.Length; i++)
            {
                Tensor gradient = Parameters[i].grad;
                if (gradient is not null)
                    Update(i, Parameters[i], gradient);
            }
        }

        /// <summary>Updates parameter <paramref name="index"/> from its <paramref name="gradient"/>.</summary>
        protected abstract void Update(int index, Parameter parameter, Tensor gradient);

        public virtual void Dispose()
        {
        }

        private sealed class AdamOptimizer : ParameterOptimizer
        {
            private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

            private readonly Tensor[] _means, _squares;
            private readonly long[] _steps;

            public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate) : base(parameters, learningRate)
            {
                _means = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
                _squares = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
                _steps = new long[Parameters.Length];
            }

            protected override void Update(int index, Parameter parameter, Tensor gradient)
            {
                long step = ++_steps[index];
                double meanCorrection = 1 - Math.Pow(Beta1, step), squareCorrection = 1 - Math.Pow(Beta2, step);
                _means[index].TimesInPlace(Beta1).PlusInPlace(gradient, 1 - Beta1);
                _squares[index].TimesInPlace(Beta2).With(1 - Beta2, (squares, weight) => squares.addcmul_(gradient, gradient, weight));
                Tensor denominator = _squares[index].sqrt().DividedBy(Math.Sqrt(squareCorrection)).PlusInPlace(Epsilon);
                parameter.With(-(LearningRate / meanCorrection), (weights, size) => weights.addcdiv_(_means[index], denominator, size));
            }

            public override void Dispose()
            {
                foreach (Tensor state in _means.Concat(_squares))
                    state.Dispose();
            }
        }

        private sealed class AdagradOptimizer : ParameterOptimizer
        {
            private const double Epsilon = 1e-10;

            private readonly Tensor[] _sums;

            public AdagradOptimizer(IEnumerable<Parameter> parameters, double learningRate) : base(parameters, learningRate)
            {
                _sums = Parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            }

            protected override void Update(int index, Parameter parameter, Tensor gradient)
            {
                _sums[index].With(1L, (sums, one) => sums.addcmul_(gradient, gradient, one));
                Tensor deviation = _sums[index].sqrt().PlusInPlace(Epsilon);
                parameter.With(-LearningRate, (weights, size) => weights.addcdiv_(gradient, deviation, size));
            }

            public override void Dispose()
            {
                foreach (Tensor state in _sums)
                    state.Dispose();
            }
        }
    }
}
