using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLExt.Trainers;

namespace MLExt.Neural
{
    /// <summary>
    /// Options every MLExt neural estimator shares (the CTR trainer, TabularNet, OptFS): the columns and how they are featurized,
    /// the embeddings and hidden layers, mini-batch training with early stopping, and the regularizers.
    /// </summary>
    public abstract class NeuralTrainerOptions
    {
        private string[] _categoricalColumnNames = Array.Empty<string>();
        private string[] _numericColumnNames = Array.Empty<string>();

        /// <summary>The label column.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>Categorical columns, one field each (null means none).</summary>
        public string[] CategoricalColumnNames { get => _categoricalColumnNames; set => _categoricalColumnNames = value ?? Array.Empty<string>(); }

        /// <summary>Numeric columns, one field each (null means none).</summary>
        public string[] NumericColumnNames { get => _numericColumnNames; set => _numericColumnNames = value ?? Array.Empty<string>(); }

        /// <summary>An optional Single column of example weights.</summary>
        public string ExampleWeightColumnName { get; set; }

        /// <summary>Embedding size of every field.</summary>
        // Powers of two, so that a swept AutoInt+ can always split the dimension among its default 2 heads.
        [Choice(new object[] { 4, 8, 16, 32, 64 }, 16)]
        public int EmbeddingDimension { get; set; } = 16;

        /// <summary>Widths of the MLP's hidden layers (deep models).</summary>
        public int[] HiddenLayers { get; set; } = { 400, 400, 400 };

        /// <summary>Dropout rate after each hidden layer.</summary>
        [Range(0.0f, 0.5f, 0.0f)]
        public float Dropout { get; set; }

        /// <summary>Batch normalization in the hidden layers.</summary>
        [BooleanChoice(false)]
        public bool BatchNorm { get; set; }

        /// <summary>Rows per mini-batch; 0 (the default): chosen from the number of training rows, see <see cref="TrainingDefaults"/>.</summary>
        [Range(256, 16384, 4096, true)]
        public int BatchSize { get; set; }

        /// <summary>Maximum passes over the training data; 0 (the default): chosen from the number of training rows.</summary>
        [Range(1, 100, 10, true)]
        public int NumberOfEpochs { get; set; }

        /// <summary>The optimizer's learning rate.</summary>
        [Range(1e-4f, 1e-1f, 1e-3f, true)]
        public float LearningRate { get; set; } = 1e-3f;

        /// <summary>The optimizer.</summary>
        [Choice(new object[] { CtrOptimizer.Adam, CtrOptimizer.Adagrad }, CtrOptimizer.Adam)]
        public CtrOptimizer Optimizer { get; set; } = CtrOptimizer.Adam;

        /// <summary>L2 on the embeddings a batch uses (per row), kept apart from the network's.</summary>
        [Range(0.0f, 0.1f, 0.0f)]
        public float EmbeddingL2 { get; set; }

        /// <summary>L2 on the network's weight matrices (biases and embeddings excluded).</summary>
        [Range(0.0f, 0.1f, 0.0f)]
        public float NetworkL2 { get; set; }

        /// <summary>
        /// Group lasso with one group per input field (0, the default: off): after each optimizer step every field's weights (its
        /// embedding rows and first-order weights, or a numeric field's embedding and weight) shrink together by a block
        /// soft-threshold of learning rate × this, on the field's norm with each value weighted by its share of the training rows
        /// (so large and small vocabularies are judged alike), and a field that does not pay for itself becomes exactly zero and
        /// leaves the model (Yuan and Lin 2006). Around 1 prunes noise fields at the default learning rate. See the fitted model's
        /// FieldNorms.
        /// </summary>
        [Range(0.0f, 5.0f, 0.0f)]
        public float FieldGroupLasso { get; set; }

        /// <summary>
        /// The hierarchical (LassoNet-style) variant of <see cref="FieldGroupLasso"/> when above 0 (the default, 0: the plain group
        /// lasso): each field's first-order weights form its linear skip path and carry the penalty, and each hidden unit's weights
        /// on the field's embedding in the first hidden layer are bounded by this many times the skip path's norm, so a field
        /// leaves the linear and deep paths together (Lemhadri et al. 2021). Networks whose first hidden layer alone reads the
        /// embeddings: Wide &amp; Deep and TabularNet.
        /// </summary>
        // Not swept: it holds for WideAndDeep alone, and the model is swept beside it.
        public float FieldGroupLassoHierarchy { get; set; }

        /// <summary>
        /// A field ranking from a group-lasso path (0, the default: off): after training, the field group lasso's strength rises
        /// geometrically from 0.01 to 1,000 over this many epochs, warm-started, and the strength at which each field's weights reach
        /// zero ranks it (the hierarchical variant when <see cref="FieldGroupLassoHierarchy"/> is set). The trained weights are
        /// restored afterwards; the fitted model's FieldExitOrder gives the ranking.
        /// </summary>
        // Not swept: it ranks the fields after training and leaves the model as it was, so a sweep would pay its epochs for nothing.
        public int FieldGroupLassoPath { get; set; }

        /// <summary>
        /// k-level group sparsity (0, the default: off): at most this many input fields keep non-zero weights. After each optimizer
        /// step the proximal operator of a weighted group sparse envelope function shrinks every field by u/(λ + u), u from a clipped
        /// linear rule in the field's norm with the u summing to k, so all but about k fields reach exactly zero; any extra field
        /// left at the end is zeroed, and the log reports the count achieved. See the fitted model's FieldNorms.
        /// </summary>
        // Not swept: the number of fields is the data's, and the strength below means nothing without a count.
        public int SparseFieldCount { get; set; }

        /// <summary>The strength λ of <see cref="SparseFieldCount"/>'s envelope (scaled by the learning rate each step).</summary>
        public float SparseFieldStrength { get; set; } = 1;

        /// <summary>
        /// Early-learning regularization for noisy labels (Liu et al. 2020; 0, the default: off): each training row keeps a running
        /// average of the model's predicted class probabilities, and the loss adds this × log(1 − ⟨average, prediction⟩), which keeps
        /// the model near what it learned early, before it memorizes wrong labels. Binary and multiclass tasks.
        /// </summary>
        // Not swept (nor its momentum): it holds for classification alone, and the options serve regression too.
        public float EarlyLearningRegularization { get; set; }

        /// <summary>The running average's momentum β of <see cref="EarlyLearningRegularization"/>, in [0, 1): target ← β target + (1 − β) prediction.</summary>
        public float EarlyLearningMomentum { get; set; } = 0.7f;

        /// <summary>
        /// Multi-sample dropout (Inoue 2019; 1, the default: off): M dropout masks, at the <see cref="Dropout"/> rate, over the
        /// network's last hidden features, each through the shared output head, the M losses averaged: the head sees M samples a
        /// row for the price of one body pass, which speeds up training. Models with hidden layers only.
        /// </summary>
        // Not swept: FM and FwFM, among the swept models, have no hidden layers to sample.
        public int DropoutSamples { get; set; } = 1;

        /// <summary>
        /// The polarization regularizer for neuron-level pruning (Zhuang et al. 2020; 0, the default: off), on the scale factors γ
        /// of the hidden layers' batch normalization (set <see cref="BatchNorm"/>): the loss adds this × Σ (t|γ| − |γ − mean γ|)
        /// and γ stays in [0, 1], so each neuron's scale goes to 0 (prunable) or 1 instead of all shrinking together; the log
        /// reports how many reached 0.
        /// </summary>
        // Not swept: polarization needs BatchNorm, and a flat search space cannot say "only with".
        public float Polarization { get; set; }

        /// <summary>The t of <see cref="Polarization"/>: about a share 1/2 − t/4 of the neurons keeps its scale (default 1.2: 20%).</summary>
        public float PolarizationSkew { get; set; } = 1.2f;

        /// <summary>
        /// How the categorical fields' embedding tables are stored (default: full tables). A method sized to a budget (Hashing,
        /// QuotientRemainder, MultiHash, TensorTrain, Robe, MixedDimension, DeepHashEmbedding, Unified, Pruning) keeps
        /// <see cref="EmbeddingMemoryRatio"/> of the full tables' parameters: every field gets the same share (raised to the method's
        /// smallest tables where those are larger), fields whose full table is smaller keep it, and the others are compressed to it
        /// (Unified fields pool their shares into one shared table; Pruning keeps half as many entries, each stored with its
        /// position). Int8 and Int4 train full tables and quantize them to 8 or 4 bits after training. See the fitted model's
        /// EmbeddingTables, EmbeddingBytes and UncompressedEmbeddingBytes.
        /// </summary>
        public CtrEmbeddingCompression EmbeddingCompression { get; set; } = CtrEmbeddingCompression.None;

        /// <summary>The share of the full embedding tables' parameters a sized compression method keeps, in (0, 1] (for example 0.01).</summary>
        // Not swept: a ratio below 1 needs a compression method, which trades accuracy for memory rather than tuning it.
        public double EmbeddingMemoryRatio { get; set; } = 1;

        /// <summary>
        /// How the table the Unified fields share is stored (default: 32-bit floats). Int8 trains the table in floats at the rows the
        /// budget holds in 8 bits (about 3.8 times as many), then quantizes it: one byte a value and a 4-byte scale for every 64
        /// values; Int4 the same at half a byte a value (about 7 times as many rows). Applies to Unified fields only; a field compressed by another sized method, or already quantized (Int8, Int4),
        /// is refused with its name.
        /// </summary>
        public CtrEmbeddingPrecision EmbeddingPrecision { get; set; } = CtrEmbeddingPrecision.Float32;

        /// <summary>Per-field methods that replace <see cref="EmbeddingCompression"/> for the fields named (a categorical column,
        /// or a bucketed numeric column's field name); null: none.</summary>
        public IDictionary<string, CtrEmbeddingCompression> EmbeddingCompressionByField { get; set; }

        /// <summary>Categorical values seen fewer times than this in training share their field's out-of-vocabulary id.</summary>
        [Range(1, 100, 2, true)]
        public int MinimumCategoryCount { get; set; } = 2;

        /// <summary>A multi-valued categorical field (a vector column) keeps at most this many values a row, the first ones.</summary>
        public int MaximumValuesPerField { get; set; } = 8;

        /// <summary>A field with more frequent values than this hashes them into this many ids instead (0: never).</summary>
        public int HashBuckets { get; set; }

        /// <summary>How numeric columns enter the model.</summary>
        [Choice(new object[] { CtrNumericHandling.Standardize, CtrNumericHandling.LogBucket, CtrNumericHandling.QuantileBins }, CtrNumericHandling.Standardize)]
        public CtrNumericHandling NumericHandling { get; set; } = CtrNumericHandling.Standardize;

        /// <summary>Bins of <see cref="CtrNumericHandling.QuantileBins"/>.</summary>
        public int NumericQuantileBins { get; set; } = 32;

        /// <summary>Featurized training rows beyond this many megabytes go to a memory-mapped temporary file instead of memory.</summary>
        public int CacheMemoryBudgetMegabytes { get; set; } = 2048;

        /// <summary>Data to validate on after each epoch (early stopping, restore-best, plateau); null to split <see cref="ValidationFraction"/> off.</summary>
        public IDataView ValidationData { get; set; }

        /// <summary>Share of the training rows held out for validation when no <see cref="ValidationData"/> is given; 0: none.</summary>
        public double ValidationFraction { get; set; } = 0.1;

        /// <summary>Epochs without a better validation metric before training stops; 0 (the default): chosen from the number of training rows.</summary>
        public int EarlyStoppingPatience { get; set; }

        /// <summary>Keep the weights of the epoch with the best validation metric.</summary>
        [BooleanChoice(true)]
        public bool RestoreBestModel { get; set; } = true;

        /// <summary>Divide the learning rate by 10 when the validation metric does not improve.</summary>
        [BooleanChoice(true)]
        public bool ReduceLearningRateOnPlateau { get; set; } = true;

        /// <summary>Clip the gradient's global norm to this (0, the default: no clipping; the norm spans the whole embedding table,
        /// so clipping costs time in every step).</summary>
        public float GradientClipNorm { get; set; }

        /// <summary>"cpu", "cuda" or "cuda:N"; null follows MLContext.GpuDeviceId.</summary>
        public string Device { get; set; }

        /// <summary>Seed of initialization, shuffling, dropout and the validation split; null: from the MLContext.</summary>
        public int? Seed { get; set; }

        /// <summary>Whether any field's embedding table is compressed or quantized.</summary>
        internal bool CompressesEmbeddings => EmbeddingCompression != CtrEmbeddingCompression.None || EmbeddingCompressionByField?.Values.Any(m => m != CtrEmbeddingCompression.None) == true;

        /// <summary>Checks the shared options, naming the first one out of range.</summary>
        internal virtual void Check(IExceptionContext ectx)
        {
            if (string.IsNullOrWhiteSpace(LabelColumnName))
                throw ectx.ExceptParam(nameof(LabelColumnName), "A label column name is required.");
            if (CategoricalColumnNames.Length + NumericColumnNames.Length == 0)
                throw ectx.ExceptParam(nameof(CategoricalColumnNames), "Name at least one categorical or numeric column.");
            var all = CategoricalColumnNames.Concat(NumericColumnNames).ToArray();
            if (all.Distinct().Count() != all.Length || all.Contains(LabelColumnName))
                throw ectx.ExceptParam(nameof(CategoricalColumnNames), "A column is listed twice, or the label is listed as a feature.");
            if (EmbeddingDimension < 1 || MinimumCategoryCount < 1 || MaximumValuesPerField < 1)
                throw ectx.ExceptParam(nameof(EmbeddingDimension), "EmbeddingDimension, MinimumCategoryCount and MaximumValuesPerField must be at least 1.");
            if (BatchSize < 0 || NumberOfEpochs < 0 || EarlyStoppingPatience < 0 || HashBuckets < 0 || CacheMemoryBudgetMegabytes < 0 || NumericQuantileBins < 2)
                throw ectx.ExceptParam(nameof(BatchSize),
                    "BatchSize, NumberOfEpochs and EarlyStoppingPatience must be at least 1 (or 0: chosen from the data), " +
                    "HashBuckets and CacheMemoryBudgetMegabytes at least 0, NumericQuantileBins at least 2.");
            if (HiddenLayers == null || HiddenLayers.Any(h => h < 1))
                throw ectx.ExceptParam(nameof(HiddenLayers), "HiddenLayers must list positive widths.");
            if (!(LearningRate > 0) || !(Dropout >= 0 && Dropout < 1) || !(EmbeddingL2 >= 0) || !(NetworkL2 >= 0)
                || !(ValidationFraction >= 0 && ValidationFraction < 1) || !(GradientClipNorm >= 0))
                throw ectx.ExceptParam(nameof(LearningRate),
                    "Need LearningRate > 0, 0 <= Dropout < 1, EmbeddingL2 and NetworkL2 >= 0, 0 <= ValidationFraction < 1, GradientClipNorm >= 0.");
            if (!(EarlyLearningRegularization >= 0) || float.IsInfinity(EarlyLearningRegularization))
                throw ectx.ExceptParam(nameof(EarlyLearningRegularization), $"EarlyLearningRegularization must be a finite strength of at least 0 (0: off); it is {EarlyLearningRegularization}.");
            if (!(EarlyLearningMomentum >= 0 && EarlyLearningMomentum < 1))
                throw ectx.ExceptParam(nameof(EarlyLearningMomentum), $"EarlyLearningMomentum must be in [0, 1); it is {EarlyLearningMomentum}.");
            if (SparseFieldCount < 0 || !(SparseFieldStrength > 0) || float.IsInfinity(SparseFieldStrength))
                throw ectx.ExceptParam(nameof(SparseFieldCount), $"SparseFieldCount must be at least 0 (0: off) and SparseFieldStrength a finite value above 0; they are {SparseFieldCount} and {SparseFieldStrength}.");
            if (!(Polarization >= 0) || float.IsInfinity(Polarization) || !(PolarizationSkew >= 0 && PolarizationSkew <= 2))
                throw ectx.ExceptParam(nameof(Polarization), $"Polarization must be a finite strength of at least 0 (0: off) and PolarizationSkew in [0, 2]; they are {Polarization} and {PolarizationSkew}.");
            if (Polarization > 0 && !BatchNorm)
                throw ectx.ExceptParam(nameof(Polarization), "Polarization acts on the scale factors of batch normalization: set BatchNorm too.");
            if (DropoutSamples < 1)
                throw ectx.ExceptParam(nameof(DropoutSamples), $"DropoutSamples must be at least 1 (1: plain dropout); it is {DropoutSamples}.");
            if (DropoutSamples > 1 && !(Dropout > 0))
                throw ectx.ExceptParam(nameof(DropoutSamples), "DropoutSamples above 1 draws several dropout masks: set Dropout above 0 too.");
            if (!(FieldGroupLassoHierarchy >= 0) || float.IsInfinity(FieldGroupLassoHierarchy) || FieldGroupLassoPath < 0)
                throw ectx.ExceptParam(nameof(FieldGroupLassoHierarchy), $"FieldGroupLassoHierarchy must be a finite bound of at least 0 (0: the plain group lasso) and FieldGroupLassoPath at least 0; they are {FieldGroupLassoHierarchy} and {FieldGroupLassoPath}.");
            if (!(EmbeddingMemoryRatio > 0 && EmbeddingMemoryRatio <= 1))
                throw ectx.ExceptParam(nameof(EmbeddingMemoryRatio), $"EmbeddingMemoryRatio must be in (0, 1]; it is {EmbeddingMemoryRatio}.");
            if (EmbeddingMemoryRatio < 1 && !CompressesEmbeddings)
                throw ectx.ExceptParam(nameof(EmbeddingMemoryRatio), "An EmbeddingMemoryRatio below 1 needs an EmbeddingCompression method to meet it.");
            if (EmbeddingPrecision != CtrEmbeddingPrecision.Float32 && !CompressesEmbeddings)
                throw ectx.ExceptParam(nameof(EmbeddingPrecision), $"EmbeddingPrecision {EmbeddingPrecision} stores the table Unified fields share: set EmbeddingCompression to Unified.");
            if (!(FieldGroupLasso >= 0) || float.IsInfinity(FieldGroupLasso))
                throw ectx.ExceptParam(nameof(FieldGroupLasso), $"FieldGroupLasso must be a finite strength of at least 0 (0: off); it is {FieldGroupLasso}.");
        }
    }
}
