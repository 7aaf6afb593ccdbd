using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Model;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Numeric;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLExt.Trainers;

[assembly: LoadableClass(typeof(ElasticNetBinaryModelParameters), null, typeof(SignatureLoadModel),
    "Elastic Net Binary Model", ElasticNetBinaryModelParameters.LoaderSignature)]
[assembly: LoadableClass(typeof(ElasticNetRegressionModelParameters), null, typeof(SignatureLoadModel),
    "Elastic Net Regression Model", ElasticNetRegressionModelParameters.LoaderSignature)]

namespace MLExt.Trainers
{
    /// <summary>The cross-validated error along the lambda path (glmnet's cvm and cvsd).</summary>
    public sealed class ElasticNetCrossValidationCurve
    {
        internal ElasticNetCrossValidationCurve(double[] lambdas, double[] meanError, double[] standardError, int minimumErrorIndex, int oneStandardErrorIndex)
        {
            Lambdas = lambdas;
            MeanError = meanError;
            StandardError = standardError;
            MinimumErrorIndex = minimumErrorIndex;
            OneStandardErrorIndex = oneStandardErrorIndex;
        }

        /// <summary>The lambdas the curve was measured at (the head of the model's lambda path).</summary>
        public IReadOnlyList<double> Lambdas { get; }

        /// <summary>Mean held-out error at each lambda: binomial deviance or mean squared error.</summary>
        public IReadOnlyList<double> MeanError { get; }

        /// <summary>Standard error of <see cref="MeanError"/> across folds.</summary>
        public IReadOnlyList<double> StandardError { get; }

        /// <summary>Index of the lambda with the smallest mean error.</summary>
        public int MinimumErrorIndex { get; }

        /// <summary>Index of the largest lambda within one standard error of the minimum.</summary>
        public int OneStandardErrorIndex { get; }

        /// <summary>The lambda with the smallest mean error (lambda.min).</summary>
        public double LambdaMinimumError => Lambdas[MinimumErrorIndex];

        /// <summary>The one-standard-error lambda (lambda.1se).</summary>
        public double LambdaOneStandardError => Lambdas[OneStandardErrorIndex];
    }

    /// <summary>
    /// A linear model fitted by <see cref="ElasticNetTrainer"/>: weights on the original feature scale, the bias, the
    /// lambda path it was chosen from and, when lambda was cross-validated, the cross-validation curve. Like ML.NET's linear
    /// models it gives its feature weights, per-row feature contributions (<c>Transforms.CalculateFeatureContribution</c>)
    /// and exports to ONNX (<c>Model.ConvertToOnnx</c>).
    /// </summary>
    public abstract class ElasticNetModelParameters : ICanSaveModel, IValueMapper, IHaveFeatureWeights, IFeatureContributionMapper,
        ICalculateFeatureContribution, ISingleCanSaveOnnx
    {
        private protected readonly IHost Host;
        private readonly float[] _weights;

        private protected ElasticNetModelParameters(IHostEnvironment env, string name, float[] weights, float bias, double lambda, double alpha,
            double[] lambdaPath, double[] devianceRatioPath, int[] nonZeroCountPath, ElasticNetCrossValidationCurve crossValidation, int[] groups)
        {
            Host = Contracts.CheckRef(env, nameof(env)).Register(name);
            _weights = weights;
            Bias = bias;
            Lambda = lambda;
            Alpha = alpha;
            LambdaPath = lambdaPath;
            DevianceRatioPath = devianceRatioPath;
            NonZeroCountPath = nonZeroCountPath;
            CrossValidation = crossValidation;
            Groups = groups;
        }

        private protected ElasticNetModelParameters(IHostEnvironment env, string name, ModelLoadContext ctx)
        {
            Host = Contracts.CheckRef(env, nameof(env)).Register(name);
            // *** Binary format ***
            // float[] weights; float bias; double lambda; double alpha
            // double[] lambda path; double[] deviance-ratio path; int[] non-zero-count path
            // bool has cross-validation; [double[] mean; double[] standard error; int min index; int 1se index]
            // int[] groups (empty when none)
            var reader = ctx.Reader;
            _weights = reader.ReadFloatArray();
            Bias = reader.ReadSingle();
            Lambda = reader.ReadDouble();
            Alpha = reader.ReadDouble();
            LambdaPath = reader.ReadDoubleArray();
            DevianceRatioPath = reader.ReadDoubleArray();
            NonZeroCountPath = reader.ReadIntArray();
            if (reader.ReadBoolByte())
            {
                double[] mean = reader.ReadDoubleArray();
                double[] standardError = reader.ReadDoubleArray();
                int min = reader.ReadInt32();
                int oneSe = reader.ReadInt32();
                Host.CheckDecode(mean.Length == standardError.Length && mean.Length <= LambdaPath.Count && min < mean.Length && oneSe < mean.Length);
                CrossValidation = new ElasticNetCrossValidationCurve(LambdaPath.Take(mean.Length).ToArray(), mean, standardError, min, oneSe);
            }
            int[] groups = reader.ReadIntArray();
            Groups = groups?.Length > 0 ? groups : null;
            Host.CheckDecode(LambdaPath.Count == DevianceRatioPath.Count && LambdaPath.Count == NonZeroCountPath.Count);
        }

        /// <summary>The weight of each feature slot, on the original feature scale.</summary>
        public IReadOnlyList<float> Weights => _weights;

        /// <summary>The intercept.</summary>
        public float Bias { get; }

        /// <summary>The lambda this model was fitted at.</summary>
        public double Lambda { get; }

        /// <summary>The elastic-net mixing parameter used.</summary>
        public double Alpha { get; }

        /// <summary>The lambda path, decreasing; the model is the solution at <see cref="Lambda"/> on it.</summary>
        public IReadOnlyList<double> LambdaPath { get; }

        /// <summary>Fraction of null deviance explained at each lambda of the path.</summary>
        public IReadOnlyList<double> DevianceRatioPath { get; }

        /// <summary>Number of non-zero weights at each lambda of the path.</summary>
        public IReadOnlyList<int> NonZeroCountPath { get; }

        /// <summary>The cross-validation curve; null when lambda was given.</summary>
        public ElasticNetCrossValidationCurve CrossValidation { get; }

        /// <summary>Group id of each slot when fitted with groups; null otherwise.</summary>
        public IReadOnlyList<int> Groups { get; }

        /// <summary>Number of non-zero weights.</summary>
        public int NonZeroCount => _weights.Count(w => w != 0);

        private protected abstract PredictionKind Kind { get; }

        PredictionKind IPredictor.PredictionKind => Kind;

        DataViewType IValueMapper.InputType => new VectorDataViewType(NumberDataViewType.Single, _weights.Length);

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        private protected abstract VersionInfo GetVersionInfo();

        // Version 1.1 of the format described in the loading constructor.
        private protected static VersionInfo MakeVersionInfo(string modelSignature, string loaderSignature) => new VersionInfo(
            modelSignature: modelSignature,
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: loaderSignature,
            loaderAssemblyName: typeof(ElasticNetModelParameters).Assembly.FullName);

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            var writer = ctx.Writer;
            writer.WriteSingleArray(_weights);
            writer.Write(Bias);
            writer.Write(Lambda);
            writer.Write(Alpha);
            writer.WriteDoubleArray(LambdaPath.ToArray());
            writer.WriteDoubleArray(DevianceRatioPath.ToArray());
            writer.WriteIntArray(NonZeroCountPath.ToArray());
            writer.WriteBoolByte(CrossValidation != null);
            if (CrossValidation != null)
            {
                writer.WriteDoubleArray(CrossValidation.MeanError.ToArray());
                writer.WriteDoubleArray(CrossValidation.StandardError.ToArray());
                writer.Write(CrossValidation.MinimumErrorIndex);
                writer.Write(CrossValidation.OneStandardErrorIndex);
            }
            writer.WriteIntArray(Groups?.ToArray() ?? Array.Empty<int>());
        }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "Elastic-net models map a float vector to a float score.");
            ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> features, ref float score) => score = Score(features);
            return (ValueMapper<TIn, TOut>)(Delegate)mapper;
        }

        void IHaveFeatureWeights.GetFeatureWeights(ref VBuffer<float> weights) => new VBuffer<float>(_weights.Length, _weights).CopyTo(ref weights);

        FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new FeatureContributionCalculator(this);

        ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDstContributions>(int top, int bottom, bool normalize)
        {
            Host.Check(typeof(TSrc) == typeof(VBuffer<float>) && typeof(TDstContributions) == typeof(VBuffer<float>),
                "Elastic-net feature contributions map a float vector to a float vector.");
            var weights = new VBuffer<float>(_weights.Length, _weights);
            ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> features, ref VBuffer<float> contributions) =>
            {
                CheckLength(features);
                // A slot's contribution to the score is its weight times its value, as for ML.NET's linear models.
                features.CopyTo(ref contributions);
                VectorUtils.MulElementWise(in weights, ref contributions);
                VectorUtils.SparsifyNormalize(ref contributions, top, bottom, normalize);
            };
            return (ValueMapper<TSrc, VBuffer<float>>)(Delegate)mapper;
        }

        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

        // The scorer names its outputs: PredictedLabel, Score and Probability for binary models (it adds the label itself),
        // Score alone for regression.
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            Host.CheckValue(ctx, nameof(ctx));
            Host.Check(outputNames?.Length >= 1);
            string score = outputNames.Length >= 2 ? outputNames[1] : outputNames[0];
            var node = ctx.CreateNode("LinearRegressor", new[] { featureColumn }, new[] { score }, ctx.GetNodeName("LinearRegressor"));
            node.AddAttribute("post_transform", "NONE");
            node.AddAttribute("targets", 1);
            node.AddAttribute("coefficients", _weights);
            node.AddAttribute("intercepts", new[] { Bias });
            if (outputNames.Length >= 3)
                ctx.CreateNode("Sigmoid", new[] { score }, new[] { outputNames[2] }, ctx.GetNodeName("Sigmoid"), "");
            return true;
        }

        private void CheckLength(in VBuffer<float> features)
            => Host.Check(features.Length == _weights.Length, $"The feature vector has {features.Length} slots but the model was trained on {_weights.Length}.");

        /// <summary>The linear score β₀ + xᵀβ.</summary>
        private protected float Score(in VBuffer<float> features)
        {
            CheckLength(features);
            double sum = Bias;
            var values = features.GetValues();
            if (features.IsDense)
            {
                for (int j = 0; j < values.Length; j++)
                    sum += _weights[j] * values[j];
            }
            else
            {
                var indices = features.GetIndices();
                for (int k = 0; k < values.Length; k++)
                    sum += _weights[indices[k]] * values[k];
            }
            return (float)sum;
        }
    }

    /// <summary>A logistic elastic-net model: Score is the log-odds, Probability its logistic transform.</summary>
    public sealed class ElasticNetBinaryModelParameters : ElasticNetModelParameters, IValueMapperDist, IDistPredictorProducing<float, float>
    {
        internal const string LoaderSignature = "MLExtENetBinary";

        internal ElasticNetBinaryModelParameters(IHostEnvironment env, float[] weights, float bias, double lambda, double alpha,
            double[] lambdaPath, double[] devianceRatioPath, int[] nonZeroCountPath, ElasticNetCrossValidationCurve crossValidation, int[] groups)
            : base(env, nameof(ElasticNetBinaryModelParameters), weights, bias, lambda, alpha, lambdaPath, devianceRatioPath, nonZeroCountPath, crossValidation, groups)
        {
        }

        private ElasticNetBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx)
            : base(env, nameof(ElasticNetBinaryModelParameters), ctx)
        {
        }

        internal static ElasticNetBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(VersionInfo());
            return new ElasticNetBinaryModelParameters(env, ctx);
        }

        private static VersionInfo VersionInfo() => MakeVersionInfo("MXENBINP", LoaderSignature);

        private protected override VersionInfo GetVersionInfo() => VersionInfo();

        private protected override PredictionKind Kind => PredictionKind.BinaryClassification;

        DataViewType IValueMapperDist.DistType => NumberDataViewType.Single;

        ValueMapper<TIn, TOut, TDist> IValueMapperDist.GetMapper<TIn, TOut, TDist>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float) && typeof(TDist) == typeof(float),
                "Elastic-net models map a float vector to a float score and probability.");
            ValueMapper<VBuffer<float>, float, float> mapper = (in VBuffer<float> features, ref float score, ref float probability) =>
            {
                score = Score(features);
                probability = (float)(1 / (1 + Math.Exp(-score)));
            };
            return (ValueMapper<TIn, TOut, TDist>)(Delegate)mapper;
        }
    }

    /// <summary>A gaussian elastic-net model: Score is the predicted value.</summary>
    public sealed class ElasticNetRegressionModelParameters : ElasticNetModelParameters, IPredictorProducing<float>
    {
        internal const string LoaderSignature = "MLExtENetRegression";

        internal ElasticNetRegressionModelParameters(IHostEnvironment env, float[] weights, float bias, double lambda, double alpha,
            double[] lambdaPath, double[] devianceRatioPath, int[] nonZeroCountPath, ElasticNetCrossValidationCurve crossValidation, int[] groups)
            : base(env, nameof(ElasticNetRegressionModelParameters), weights, bias, lambda, alpha, lambdaPath, devianceRatioPath, nonZeroCountPath, crossValidation, groups)
        {
        }

        private ElasticNetRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx)
            : base(env, nameof(ElasticNetRegressionModelParameters), ctx)
        {
        }

        internal static ElasticNetRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(VersionInfo());
            return new ElasticNetRegressionModelParameters(env, ctx);
        }

        private static VersionInfo VersionInfo() => MakeVersionInfo("MXENREGP", LoaderSignature);

        private protected override VersionInfo GetVersionInfo() => VersionInfo();

        private protected override PredictionKind Kind => PredictionKind.Regression;
    }
}
