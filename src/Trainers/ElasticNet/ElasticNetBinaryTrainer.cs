using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers
{
    /// <summary>
    /// Logistic regression with an elastic-net or group-lasso penalty (see <see cref="ElasticNetTrainer"/> for the objective).
    /// The label is a Boolean column; the model emits Score (log-odds), Probability and PredictedLabel.
    /// </summary>
    public sealed class ElasticNetBinaryTrainer
        : ElasticNetTrainerBase<BinaryPredictionTransformer<ElasticNetBinaryModelParameters>, ElasticNetBinaryModelParameters>
    {
        internal ElasticNetBinaryTrainer(IHostEnvironment env, ElasticNetTrainer.Options options)
            : base(env, nameof(ElasticNetBinaryTrainer), options, TrainerUtils.MakeBoolScalarLabel(options.LabelColumnName))
        {
        }

        protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        private protected override GlmFamily Family => GlmFamily.Binomial;

        private protected override ValueGetter<double> MakeLabelGetter(DataViewRow row, DataViewSchema.Column column)
            => ConvertingGetter<bool>(row, column, value => value ? 1 : 0);

        private protected override void CheckLabels(double[] labels, string labelColumnName)
        {
            if (labels.All(l => l == labels[0]))
                throw Host.Except($"Label column '{labelColumnName}' has only one class ({labels[0] == 1}); logistic regression needs both.");
        }

        private protected override ElasticNetBinaryModelParameters CreateModel(float[] weights, float bias, double lambda, double[] lambdaPath,
            double[] devianceRatios, int[] nonZeroCounts, ElasticNetCrossValidationCurve crossValidation, int[] groups)
            => new ElasticNetBinaryModelParameters(Host, weights, bias, lambda, TrainerOptions.Alpha, lambdaPath, devianceRatios, nonZeroCounts, crossValidation, groups);

        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => new[]
        {
            new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
            new SchemaShape.Column(DefaultColumnNames.Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
            new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        };

        protected override BinaryPredictionTransformer<ElasticNetBinaryModelParameters> MakeTransformer(
            ElasticNetBinaryModelParameters model, DataViewSchema trainSchema)
            => new BinaryPredictionTransformer<ElasticNetBinaryModelParameters>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
