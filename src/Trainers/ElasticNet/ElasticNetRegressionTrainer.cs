using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers
{
    /// <summary>
    /// Least-squares regression with an elastic-net or group-lasso penalty (see <see cref="ElasticNetTrainer"/> for the objective).
    /// The label is a Single column; the model emits Score.
    /// </summary>
    public sealed class ElasticNetRegressionTrainer
        : ElasticNetTrainerBase<RegressionPredictionTransformer<ElasticNetRegressionModelParameters>, ElasticNetRegressionModelParameters>
    {
        internal ElasticNetRegressionTrainer(IHostEnvironment env, ElasticNetTrainer.Options options)
            : base(env, nameof(ElasticNetRegressionTrainer), options, TrainerUtils.MakeR4ScalarColumn(options.LabelColumnName))
        {
        }

        protected override PredictionKind PredictionKind => PredictionKind.Regression;

        private protected override GlmFamily Family => GlmFamily.Gaussian;

        private protected override ValueGetter<double> MakeLabelGetter(DataViewRow row, DataViewSchema.Column column)
            => ConvertingGetter<float>(row, column, value => value);

        private protected override ElasticNetRegressionModelParameters CreateModel(float[] weights, float bias, double lambda, double[] lambdaPath,
            double[] devianceRatios, int[] nonZeroCounts, ElasticNetCrossValidationCurve crossValidation, int[] groups)
            => new ElasticNetRegressionModelParameters(Host, weights, bias, lambda, TrainerOptions.Alpha, lambdaPath, devianceRatios, nonZeroCounts, crossValidation, groups);

        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => new[]
        {
            new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        };

        protected override RegressionPredictionTransformer<ElasticNetRegressionModelParameters> MakeTransformer(
            ElasticNetRegressionModelParameters model, DataViewSchema trainSchema)
            => new RegressionPredictionTransformer<ElasticNetRegressionModelParameters>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
