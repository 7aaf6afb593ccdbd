using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Data
{
    /// <summary>Options of <see cref="MadelonLikeData"/>; the defaults are the sizes of the NIPS 2003 Madelon set.</summary>
    internal sealed class MadelonLikeDataOptions
    {
        /// <summary>Rows.</summary>
        public int RowCount { get; set; } = 2600;

        /// <summary>Base features: the classes are clusters on the vertices of a hypercube of this dimension.</summary>
        public int BaseFeatureCount { get; set; } = 5;

        /// <summary>Features that are random linear combinations of the base features.</summary>
        public int CombinationFeatureCount { get; set; } = 15;

        /// <summary>Features of pure Gaussian noise.</summary>
        public int NoiseFeatureCount { get; set; } = 480;

        /// <summary>Clusters (hypercube vertices) per class; at most half the vertices.</summary>
        public int ClustersPerClass { get; set; } = 16;

        /// <summary>Half the side of the hypercube: larger separates the clusters more.</summary>
        public double ClassSeparation { get; set; } = 1.0;

        /// <summary>Share of labels flipped.</summary>
        public double LabelNoise { get; set; } = 0.01;

        /// <summary>Fixes the data.</summary>
        public int Seed { get; set; } = 1;
    }

    /// <summary>
    /// Dense selection data built the way the NIPS 2003 Madelon set was (Guyon): two classes, each a set of Gaussian clusters on
    /// vertices of a hypercube in a few base dimensions, random linear combinations of the base features, and many features of
    /// pure noise, with the feature order shuffled and every feature shifted and rescaled at random. <see cref="InformativeIndices"/>
    /// tells which slots carry the signal.
    /// </summary>
    internal sealed class MadelonLikeData
    {
        /// <summary>Generates the rows.</summary>
        public MadelonLikeData(MadelonLikeDataOptions options)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            int baseCount = options.BaseFeatureCount;
            if (options.RowCount < 1 || baseCount < 1 || baseCount > 20 || options.CombinationFeatureCount < 0 || options.NoiseFeatureCount < 0)
                throw new ArgumentOutOfRangeException(nameof(options), "Need at least one row and 1 to 20 base features, and no negative feature counts.");
            if (options.ClustersPerClass < 1 || 2 * options.ClustersPerClass > 1 << baseCount)
                throw new ArgumentOutOfRangeException(nameof(options), $"{baseCount} base features give {1 << baseCount} hypercube vertices: ClustersPerClass must be between 1 and half that.");
            var random = new Random(options.Seed);
            int informative = baseCount + options.CombinationFeatureCount, width = informative + options.NoiseFeatureCount;

            // Distinct vertices, the first half for class 0, each cluster with its own random linear shape.
            int[] vertices = Enumerable.Range(0, 1 << baseCount).OrderBy(_ => random.Next()).Take(2 * options.ClustersPerClass).ToArray();
            double[][,] shapes = vertices.Select(_ => RandomMatrix(baseCount, baseCount, random)).ToArray();
            double[,] combinations = RandomMatrix(baseCount, options.CombinationFeatureCount, random);
            int[] position = Enumerable.Range(0, width).OrderBy(_ => random.Next()).ToArray();
            // As in Madelon, every feature is then shifted and rescaled at random, so that no raw statistic such as the variance
            // gives the informative ones away.
            double[] scale = Enumerable.Range(0, width).Select(_ => Math.Exp(4 * random.NextDouble() - 2)).ToArray();
            double[] shift = Enumerable.Range(0, width).Select(_ => 10 * random.NextDouble() - 5).ToArray();

            Features = new float[options.RowCount][];
            Labels = new bool[options.RowCount];
            var point = new double[baseCount];
            var gaussian = new double[baseCount];
            for (int r = 0; r < options.RowCount; r++)
            {
                int cluster = random.Next(vertices.Length);
                for (int k = 0; k < baseCount; k++)
                    gaussian[k] = Gaussian(random);
                for (int k = 0; k < baseCount; k++)
                {
                    double value = ((vertices[cluster] >> k) & 1) == 1 ? options.ClassSeparation : -options.ClassSeparation;
                    for (int m = 0; m < baseCount; m++)
                        value += gaussian[m] * shapes[cluster][m, k];
                    point[k] = value;
                }
                var row = new float[width];
                for (int k = 0; k < baseCount; k++)
                    row[position[k]] = (float)point[k];
                for (int c = 0; c < options.CombinationFeatureCount; c++)
                {
                    double value = 0;
                    for (int k = 0; k < baseCount; k++)
                        value += point[k] * combinations[k, c];
                    row[position[baseCount + c]] = (float)value;
                }
                for (int n = 0; n < options.NoiseFeatureCount; n++)
                    row[position[informative + n]] = (float)Gaussian(random);
                for (int f = 0; f < width; f++)
                    row[f] = (float)(row[f] * scale[f] + shift[f]);
                Features[r] = row;
                Labels[r] = (cluster >= options.ClustersPerClass) ^ (random.NextDouble() < options.LabelNoise);
            }
            InformativeIndices = position.Take(informative).OrderBy(p => p).ToArray();
        }

        /// <summary>One feature vector per row.</summary>
        public float[][] Features { get; }

        /// <summary>The class of each row.</summary>
        public bool[] Labels { get; }

        /// <summary>The slots of the base features and their combinations, ascending; all other slots are noise.</summary>
        public int[] InformativeIndices { get; }

        /// <summary>The rows as a data view with a Boolean "Label" and a known-size Single vector "Features".</summary>
        public IDataView ToDataView(MLContext mlContext)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Features[0].Length);
            return mlContext.Data.LoadFromEnumerable(Features.Select((f, i) => new Row { Label = Labels[i], Features = f }), schema);
        }

        private static double[,] RandomMatrix(int rows, int columns, Random random)
        {
            var matrix = new double[rows, columns];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    matrix[i, j] = 2 * random.NextDouble() - 1;
            return matrix;
        }

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        private sealed class Row
        {
            public bool Label { get; set; }

            public float[] Features { get; set; }
        }
    }
}
