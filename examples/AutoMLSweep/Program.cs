// NOT BUILT HERE: this sample needs the Microsoft.ML.AutoML package, which this repository's package feed does not serve,
// so no project references this file and the solution does not compile it. Copy it into a console project that references
// Microsoft.ML.AutoML (0.22 or later, matching Microsoft.ML 5), MLExt.Trainers and TorchSharp-cpu to run it.
//
// MLExt's options classes declare their search spaces with the attributes AutoML.NET reads (Range, Choice, BooleanChoice on
// settable properties), so AutoML's SearchSpace<T> sweeps them as they are: the same declarations `mlext train` sweeps.
using System;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.AutoML;
using Microsoft.ML.Data;
using Microsoft.ML.SearchSpace;
using MLExt.Trainers;

public static class Program
{
    private static readonly string[] Categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
    private static readonly string[] Numeric = { "funded_amnt", "int_rate", "annual_inc", "revol_util", "all_util" };

    public static async Task Main()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView loans = mlContext.Data.LoadFromTextFile("lending_club.csv", new TextLoader.Options
        {
            HasHeader = true, Separators = new[] { ',' }, AllowQuoting = true,
            Columns = new[]
            {
                new TextLoader.Column("term", DataKind.String, 1), new TextLoader.Column("sub_grade", DataKind.String, 3),
                new TextLoader.Column("addr_state", DataKind.String, 4), new TextLoader.Column("verification_status", DataKind.String, 5),
                new TextLoader.Column("emp_length", DataKind.String, 7), new TextLoader.Column("funded_amnt", DataKind.Single, 0),
                new TextLoader.Column("int_rate", DataKind.Single, 2), new TextLoader.Column("annual_inc", DataKind.Single, 6),
                new TextLoader.Column("revol_util", DataKind.Single, 10), new TextLoader.Column("all_util", DataKind.Single, 16),
                new TextLoader.Column("Class", DataKind.String, 22),
            },
        });
        DataOperationsCatalog.TrainTestData split = mlContext.Data.TrainTestSplit(loans, 0.2, seed: 1);

        // The search space comes from CtrTrainer.Options' attributes (Model, EmbeddingDimension, LearningRate, Dropout, ...);
        // the factory sets what is not swept: the columns.
        var searchSpace = new SearchSpace<CtrTrainer.Options>();
        SweepableEstimator ctr = mlContext.Auto().CreateSweepableEstimator((context, options) =>
        {
            options.LabelColumnName = "Label";
            options.CategoricalColumnNames = Categorical;
            options.NumericColumnNames = Numeric;
            return context.BinaryClassification.Trainers.Ctr(options);
        }, searchSpace);

        // The CTR trainer takes a Boolean label: 'bad' loans are the positive class. An estimator followed by a sweepable one
        // makes the SweepablePipeline the experiment runs.
        SweepablePipeline pipeline = mlContext.Transforms.Expression("Label", "c => c == \"bad\"", "Class").Append(ctr);
        AutoMLExperiment experiment = mlContext.Auto().CreateExperiment()
            .SetPipeline(pipeline)
            .SetDataset(split)
            .SetBinaryClassificationMetric(BinaryClassificationMetric.AreaUnderRocCurve, labelColumn: "Label")
            .SetTrainingTimeInSeconds(120);
        TrialResult best = await experiment.RunAsync();
        Console.WriteLine($"Best CTR trial: AUC {best.Metric:F4} with {best.TrialSettings.Parameter}");

        // The same declarations serve ElasticNetTrainer.Options (Alpha, LambdaMinRatio, NumberOfFolds, ...) and
        // TabularNetTrainer.Options; SweepableEstimators chain with Append like estimators.
    }
}
