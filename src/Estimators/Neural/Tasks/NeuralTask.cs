using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace MLExt.Neural.Tasks
{
    /// <summary>A model's outputs for one row (a slice of a batch's outputs).</summary>
    internal delegate ReadOnlySpan<float> RowOutputs();

    /// <summary>
    /// What a network is trained to do: how the label is read and checked, how many outputs the network has, the loss, the
    /// validation metric that early stopping follows, where the output bias starts, and the ML.NET columns the model adds (with
    /// the annotations ML.NET's evaluators look for). Binary classification, regression and multiclass classification share
    /// the rest of the engine.
    /// </summary>
    internal abstract class NeuralTask
    {
        private enum Kind
        {
            Binary = 0,
            Regression = 1,
            Multiclass = 2,
        }

        /// <summary>Outputs per row: 1, or the number of classes.</summary>
        public abstract int Outputs { get; }

        /// <summary>The validation metric, as the log names it.</summary>
        public abstract string MetricName { get; }

        /// <summary>Whether a larger validation metric is better.</summary>
        public abstract bool HigherIsBetter { get; }

        /// <summary>What the label column must be, for error messages.</summary>
        public abstract string LabelDescription { get; }

        /// <summary>Whether a (non-key) label column of this type fits the task.</summary>
        public virtual bool Accepts(DataViewType labelType) => false;

        /// <summary>Whether a key label column fits the task.</summary>
        public virtual bool AcceptsKey => false;

        /// <summary>
        /// A reader of the current row's label as the float the loss compares with (0/1, the value, or the class index); it throws,
        /// naming the row, on a label that cannot train (NaN, a missing class).
        /// </summary>
        public abstract Func<float> BindLabel(DataViewRow row, DataViewSchema.Column column, IExceptionContext ectx);

        /// <summary>The task fitted to the training labels (a regression task learns their scale); most tasks return themselves.</summary>
        public virtual NeuralTask Adapt(float[] labels, float[] weights) => this;

        /// <summary>Fails when the training labels cannot train a model of this task (a single class, say).</summary>
        public abstract void CheckLabels(float[] labels, string labelColumn, IExceptionContext ectx);

        /// <summary>The mean (weighted) loss of outputs [batch, Outputs] against labels [batch].</summary>
        public abstract Tensor Loss(Tensor outputs, Tensor labels, Tensor weights);

        /// <summary>Whether the task predicts classes (what <see cref="Probabilities"/> needs).</summary>
        public virtual bool HasClasses => false;

        /// <summary>Class probabilities [batch, classes] from outputs [batch, Outputs]; only for a task with classes.</summary>
        public virtual Tensor Probabilities(Tensor outputs) => throw new System.NotSupportedException($"{GetType().Name} has no classes.");

        /// <summary>The validation metric of outputs (rows × Outputs, row-major) against the labels.</summary>
        public abstract double Metric(float[] outputs, float[] labels);

        /// <summary>The output bias that makes an untrained network predict the training labels' (weighted) average.</summary>
        public abstract float[] StartingBias(float[] labels, float[] weights);

        /// <summary>The columns the model adds, with ML.NET's annotations for the task.</summary>
        public abstract DataViewSchema.DetachedColumn[] OutputColumns();

        /// <summary>A getter of output column <paramref name="column"/> (an index into <see cref="OutputColumns"/>) from the row's outputs.</summary>
        public abstract Delegate OutputGetter(int column, RowOutputs outputs);

        /// <summary>Whether <see cref="ExportOnnx"/> can write the task's columns.</summary>
        public virtual bool ExportsToOnnx => false;

        /// <summary>Adds the task's output columns to an ONNX graph from the network's outputs [batch, Outputs].</summary>
        public virtual void ExportOnnx(Onnx.OnnxGraph graph, string outputs) => throw new System.NotSupportedException($"{GetType().Name} has no ONNX export.");

        public static NeuralTask Binary { get; } = new BinaryClassificationTask();

        public static NeuralTask Regression { get; } = new RegressionTask();

        public void Save(ModelSaveContext ctx)
        {
            // int: kind; then the kind's own (see SaveCore)
            ctx.Writer.Write((int)(this switch { BinaryClassificationTask => Kind.Binary, RegressionTask => Kind.Regression, _ => Kind.Multiclass }));
            SaveCore(ctx);
        }

        protected virtual void SaveCore(ModelSaveContext ctx)
        {
        }

        public static NeuralTask Load(ModelLoadContext ctx) => (Kind)ctx.Reader.ReadInt32() switch
        {
            Kind.Binary => Binary,
            Kind.Regression => RegressionTask.LoadCore(ctx),
            Kind.Multiclass => MulticlassClassificationTask.LoadCore(ctx),
            var kind => throw Contracts.ExceptDecode($"Unknown task kind {kind}."),
        };

        /// <summary>The score-column annotations ML.NET's evaluators read: the task's kind and what the column holds.</summary>
        protected static DataViewSchema.Annotations.Builder ScoreAnnotations(string columnKind, string valueKind)
        {
            var builder = new DataViewSchema.Annotations.Builder();
            builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
            builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
            return builder;
        }

        /// <summary>The (weighted) mean of <paramref name="values"/>.</summary>
        protected static double WeightedMean(float[] values, float[] weights)
        {
            double sum = 0, total = 0;
            for (int i = 0; i < values.Length; i++)
            {
                double w = weights?[i] ?? 1;
                sum += w * values[i];
                total += w;
            }
            return total > 0 ? sum / total : 0;
        }
    }
}
