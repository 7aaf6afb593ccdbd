using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;

namespace MLExt.Neural
{
    /// <summary>
    /// The shared neural options plus the settings of an OptFS feature-gate search (Lyu et al., "Optimizing Feature Set for
    /// Click-Through Rate Prediction", WWW 2023): every value of every categorical field gets a learnable gate; the gates are
    /// searched with a sparsity penalty while the temperature hardens them, the network is rewound to an early epoch, and it is
    /// retrained on the kept values alone.
    /// </summary>
    public abstract class GatedTrainerOptions : NeuralTrainerOptions
    {
        /// <summary>
        /// The gate penalty's strength C, over the whole training set: each batch's loss adds C / (training rows) × the sum of every
        /// value's soft gate (the paper's λ is C / rows), so keeping a value must lower the training set's summed log loss by about
        /// C nats. Larger keeps fewer values. Scaled by the rows, as a prior's weight is, so one setting suits small and large data.
        /// </summary>
        [Range(0.1f, 100.0f, DefaultGateStrength, true)]
        public float GateStrength { get; set; } = DefaultGateStrength;

        /// <summary>The default <see cref="GateStrength"/>.</summary>
        public const float DefaultGateStrength = 5;

        /// <summary>The temperature the gates reach in the last search epoch (starting at 1, multiplied by the same factor after each
        /// epoch): the higher, the closer the soft gates come to 0 or 1 before they are cut. At least 1.</summary>
        [Range(1.0f, 1000.0f, 200.0f, true)]
        public float FinalTemperature { get; set; } = 200;

        /// <summary>Epochs of the gate search (no early stopping: the temperature schedule spans them all).</summary>
        // From 6, so that every swept RewindEpoch (up to 5) falls inside the search.
        [Range(6, 30, 15)]
        public int SearchEpochs { get; set; } = 15;

        /// <summary>The search epoch whose starting weights the network is rewound to before it is retrained on the kept values
        /// (0: the initial weights); below <see cref="SearchEpochs"/>.</summary>
        [Range(0, 5, 1)]
        public int RewindEpoch { get; set; } = 1;

        /// <summary>
        /// The gates' own Adam learning rate; 0 (the default): chosen from the search's optimizer steps, the larger of
        /// <see cref="NeuralTrainerOptions.LearningRate"/> and 2 / steps. Adam moves a gate's logit by about the learning rate per
        /// step, and a gate closes only once its logit falls from 0.5 below 0, so a short search on small data needs a larger rate.
        /// </summary>
        [Range(0.0f, 0.1f, 0.0f)]
        public float GateLearningRate { get; set; }

        /// <summary>Whether a gate search runs (the CTR trainer's is an option; the OptFS transform always searches).</summary>
        private protected abstract bool SearchesGates { get; }

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            if (!SearchesGates)
                return;
            if (!(GateStrength >= 0) || float.IsInfinity(GateStrength))
                throw ectx.ExceptParam(nameof(GateStrength), $"GateStrength must be a finite strength of at least 0; it is {GateStrength}.");
            if (!(FinalTemperature >= 1) || float.IsInfinity(FinalTemperature))
                throw ectx.ExceptParam(nameof(FinalTemperature), $"FinalTemperature must be finite and at least 1 (the starting temperature); it is {FinalTemperature}.");
            if (!(GateLearningRate >= 0) || float.IsInfinity(GateLearningRate))
                throw ectx.ExceptParam(nameof(GateLearningRate), $"GateLearningRate must be finite and at least 0 (0: chosen from the search's steps); it is {GateLearningRate}.");
            if (SearchEpochs < 1)
                throw ectx.ExceptParam(nameof(SearchEpochs), $"SearchEpochs must be at least 1; it is {SearchEpochs}.");
            if (RewindEpoch < 0 || RewindEpoch >= SearchEpochs)
                throw ectx.ExceptParam(nameof(RewindEpoch), $"RewindEpoch ({RewindEpoch}) must be a search epoch: from 0 to SearchEpochs − 1 ({SearchEpochs - 1}).");
            if (CategoricalColumnNames.Length == 0)
                throw ectx.ExceptParam(nameof(CategoricalColumnNames), "Feature gates choose values of categorical fields: name at least one categorical column.");
        }

        /// <summary>The search's settings.</summary>
        internal Gates.GateSearchSettings SearchSettings => new Gates.GateSearchSettings(GateStrength, FinalTemperature, SearchEpochs, RewindEpoch, GateLearningRate);
    }
}
