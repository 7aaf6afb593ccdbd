using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Transforms.OutRanking;

namespace MLExt.Transforms
{
    /// <summary>
    /// Ranks feature columns by their information about the label, corrected for the information a feature of the same
    /// cardinality carries by chance (OutRank, Outbrain), and keeps the best <see cref="OutRankOptions.FeaturesToKeep"/>.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Does this estimator need to look at the data to train its parameters?</term><description>Yes: one pass to count (two when numeric columns are binned)</description></item>
    /// <item><term>Input columns</term><description>Scalar text, key, Boolean or numeric feature columns; a label of the same kinds</description></item>
    /// <item><term>Output columns</term><description>The input, less the ranked columns that were not kept</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Transforms</description></item>
    /// </list>
    /// Which ranked columns survive depends on the data, so <see cref="GetOutputSchema"/> promises only the columns that were not ranked.
    /// </remarks>
    public sealed class OutRankEstimator : IEstimator<OutRankTransformer>
    {
        private readonly IHost _host;
        private readonly OutRankOptions _options;

        internal OutRankEstimator(IHostEnvironment env, OutRankOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(OutRankEstimator));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public OutRankTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            int seed = _options.Seed ?? _host.Rand.Next();
            using IChannel channel = _host.Start("Ranking");
            var (ranking, kept) = OutRankRanker.Select(_host, input, _options, seed);
            channel.Info($"Ranked {ranking.Count} features with {_options.Heuristic}; keeping {string.Join(", ", kept)}"
                + (_options.RedundancyAwareSelection ? " (redundancy-aware order)." : "."));
            return new OutRankTransformer(_host, ranking, kept);
        }

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            OutRankRanker.CheckShape(_host, inputSchema, _options);
            return new SchemaShape(inputSchema.Where(c => !_options.FeatureColumnNames.Contains(c.Name)));
        }
    }
}
