using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Trainers;
using MLExt.Trainers.ElasticNet;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Benchmarks.ElasticNet
{
    /// <summary>
    /// The elastic-net trainer given one lambda, as a new user fits it (<c>Fit</c> on an in-memory IDataView), against R glmnet
    /// given the same lambda, with MLExt's time split into reading the data view and solving, and the solve from before
    /// (warm starts down from lambda max) measured beside the direct one.
    /// </summary>
    internal static class FixedLambdaBenchmark
    {
        public static string Run(Action<string> log)
        {
            var text = new StringBuilder();
            text.AppendLine("### At one fixed lambda, against R glmnet given the same lambda");
            text.AppendLine();
            text.AppendLine("Logistic lasso at lambda = lambda max x 1e-4^(49/99) (the 50th of glmnet's default 100). MLExt: " +
                "`BinaryClassification.Trainers.ElasticNet(lambda, alpha: 1).Fit` on an in-memory `IDataView`, cold (the first elastic-net " +
                "fit in the process) and warm (best of 3 after it); its split, best of 3 each: reading the data view into the column " +
                "store, and the solve: direct from the null model (now) or warm-started down about ten lambdas a decade from lambda max " +
                "(before this change). glmnet: `glmnet(x, y, family = \"binomial\", lambda = lambda)` on a matrix already in R, its first " +
                "call in the R process and the best of 3 after it. Both at their default tolerance (1e-7).");
            text.AppendLine();
            text.AppendLine("| data | MLExt Fit cold / warm (s) | reading (s) | solve direct (s) | solve warm-started, before (s) | glmnet first / best (s) | warm MLExt / glmnet | target <= 1 | objective rel. difference |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            var dense = ElasticNetBenchmark.Generate(100_000, 100, seed: 2026);
            text.AppendLine(Measure("100,000 x 100 dense, generated", dense.X, dense.Y, log));
            var spam = SpamShaped(seed: 4601);
            text.AppendLine(Measure("4,601 x 57 spam-shaped, generated", spam.X, spam.Y, log));
            text.AppendLine();
            text.AppendLine("The spam-shaped set mimics UCI spambase's shape (not shipped here): 48 word and 6 character frequencies that are zero in " +
                "most rows and skewed where not, and 3 heavy-tailed capital-run lengths; about 40% positives from a logistic model of a few of them.");
            text.AppendLine();
            return text.ToString();
        }

        private static string Measure(string name, float[][] x, double[] y, Action<string> log)
        {
            int rows = y.Length, features = x.Length;
            var mlContext = new MLContext(seed: 1);
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
            IDataView data = mlContext.Data.LoadFromEnumerable(
                Enumerable.Range(0, rows).Select(i => new Row { Features = x.Select(column => column[i]).ToArray(), Label = y[i] == 1 }).ToList(), schema);

            var problem = ElasticNetBenchmark.Problem(x, y, standardize: true, tolerance: 1e-7);
            double lambdaMax = new CoordinateDescentSolver(problem).LambdaMax();
            double lambda = lambdaMax * Math.Pow(1e-4, 49 / 99.0);

            ElasticNetBinaryModelParameters model = null;
            var watch = Stopwatch.StartNew();
            model = mlContext.BinaryClassification.Trainers.ElasticNet(lambda: lambda, alpha: 1).Fit(data).Model;
            double cold = watch.Elapsed.TotalSeconds;
            double warm = Timing.BestOf(3, () => model = mlContext.BinaryClassification.Trainers.ElasticNet(lambda: lambda, alpha: 1).Fit(data).Model);

            IHost host = ((IHostEnvironment)mlContext).Register("FixedLambdaBenchmark");
            double reading = Timing.BestOf(3, () => TrainingDataReader.Read(host, new RoleMappedData(data, label: "Label", feature: "Features"), LabelGetter));
            double direct = Timing.BestOf(3, () => new CoordinateDescentSolver(problem).FitPath(new[] { lambda }, stopEarly: false));
            int points = (int)Math.Ceiling(10 * Math.Log10(lambdaMax / lambda)) + 1;
            double[] warmStarts = Enumerable.Range(0, points).Select(k => lambdaMax * Math.Pow(lambda / lambdaMax, k / (double)(points - 1))).ToArray();
            double warmStarted = Timing.BestOf(3, () => new CoordinateDescentSolver(problem).FitPath(warmStarts, stopEarly: false));

            string[] glmnet = ElasticNetBenchmark.RunR("glmnet_fixed_lambda.R", x, y, _ => lambda.ToString("R", CultureInfo.InvariantCulture), log);
            double[] scale = ElasticNetBenchmark.StandardDeviations(x);
            double ours = ElasticNetBenchmark.Objective(x, y, model.Bias, model.Weights.Select(w => (double)w).ToArray(), lambda, scale);
            log($"Fixed lambda {name}: MLExt cold {cold:F3}s warm {warm:F3}s (reading {reading:F3}s, direct {direct:F3}s, warm-started {warmStarted:F3}s)");
            string mlext = $"| {name} | {cold:F3} / {warm:F3} | {reading:F3} | {direct:F3} | {warmStarted:F3} ({points} lambdas) |";
            if (glmnet == null)
                return mlext + " glmnet not found | | | |";
            double Value(int line) => double.Parse(glmnet[line].Split(' ').Last(), CultureInfo.InvariantCulture);
            double[] coefficients = glmnet.Skip(2).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            double theirs = ElasticNetBenchmark.Objective(x, y, coefficients[0], coefficients.Skip(1).ToArray(), lambda, scale);
            double ratio = warm / Value(1);
            log($"Fixed lambda {name}: glmnet first {Value(0):F3}s best {Value(1):F3}s; ratio {ratio:F2}");
            return mlext + $" {Value(0):F3} / {Value(1):F3} | {ratio:F2}x | {(ratio <= 1 ? "met" : "not met")} | {Math.Abs(ours - theirs) / Math.Abs(theirs):E1} |";
        }

        private static ValueGetter<double> LabelGetter(DataViewRow row, DataViewSchema.Column column)
        {
            ValueGetter<bool> getter = row.GetGetter<bool>(column);
            bool value = false;
            return (ref double label) =>
            {
                getter(ref value);
                label = value ? 1 : 0;
            };
        }

        // 57 columns shaped like spambase's: sparse skewed frequencies and heavy-tailed run lengths (see the note under the table).
        private static (float[][] X, double[] Y) SpamShaped(int seed)
        {
            const int rows = 4601;
            var random = new Random(seed);
            double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var x = new float[57][];
            for (int j = 0; j < 57; j++)
            {
                double presence = j < 54 ? 0.05 + 0.4 * random.NextDouble() : 1;
                double scale = j < 54 ? 0.2 + random.NextDouble() : 5 + 50 * random.NextDouble();
                x[j] = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < presence ? (float)(scale * Math.Exp(Normal())) : 0f).ToArray();
            }
            var y = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double eta = -1.2 + 1.5 * Math.Log(1 + x[3][i]) - 1.0 * Math.Log(1 + x[10][i]) + 0.8 * Math.Log(1 + x[51][i]) + 0.3 * Math.Log(1 + x[55][i]) - 0.6;
                y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            }
            return (x, y);
        }

        private sealed class Row
        {
            public float[] Features { get; set; }
            public bool Label { get; set; }
        }
    }
}
