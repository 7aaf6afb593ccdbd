using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms;
using MLExt.Transforms;

[assembly: LoadableClass(typeof(OutRankTransformer), null, typeof(SignatureLoadModel), "OutRank Feature Selection", OutRankTransformer.LoaderSignature)]

namespace MLExt.Transforms
{
    /// <summary>
    /// The fitted OutRank selection: keeps the best-ranked feature columns and drops the other ranked ones; columns that
    /// were not ranked pass through. Exposes the ranking it was chosen from.
    /// </summary>
    public sealed class OutRankTransformer : ITransformer, ICanSaveModel
    {
        internal const string LoaderSignature = "MLExtOutRankSelect";

        private readonly IHost _host;
        private readonly OutRankFeatureScore[] _ranking;
        private readonly string[] _kept;
        private readonly ITransformer _dropper;

        internal OutRankTransformer(IHostEnvironment env, IReadOnlyList<OutRankFeatureScore> ranking, int featuresToKeep)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(OutRankTransformer));
            _ranking = ranking.ToArray();
            _kept = _ranking.Take(featuresToKeep).Select(s => s.Name).ToArray();
            _dropper = MakeDropper(env, _ranking.Skip(featuresToKeep).Select(s => s.Name).ToArray());
        }

        private OutRankTransformer(IHostEnvironment env, ModelLoadContext ctx)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(OutRankTransformer));
            // *** Binary format ***
            // int: features kept; int: ranked features; per feature: string name, double score, double MI, double baseline,
            // long cardinality, double missing fraction (best first)
            int kept = ctx.Reader.ReadInt32();
            int count = ctx.Reader.ReadInt32();
            _host.CheckDecode(kept >= 0 && kept <= count);
            _ranking = new OutRankFeatureScore[count];
            for (int i = 0; i < count; i++)
            {
                _ranking[i] = new OutRankFeatureScore(ctx.LoadNonEmptyString(), ctx.Reader.ReadDouble(), ctx.Reader.ReadDouble(),
                    ctx.Reader.ReadDouble(), ctx.Reader.ReadInt64(), ctx.Reader.ReadDouble());
            }
            _kept = _ranking.Take(kept).Select(s => s.Name).ToArray();
            _dropper = MakeDropper(env, _ranking.Skip(kept).Select(s => s.Name).ToArray());
        }

        internal static OutRankTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new OutRankTransformer(env, ctx);
        }

        /// <summary>Every ranked feature, best first.</summary>
        public IReadOnlyList<OutRankFeatureScore> Ranking => _ranking;

        /// <summary>The feature columns kept, best first.</summary>
        public IReadOnlyList<string> SelectedColumns => _kept;

        /// <inheritdoc/>
        public bool IsRowToRowMapper => true;

        /// <inheritdoc/>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            CheckKeptColumns(inputSchema);
            return _dropper.GetOutputSchema(inputSchema);
        }

        /// <inheritdoc/>
        public IDataView Transform(IDataView input)
        {
            CheckKeptColumns(input.Schema);
            return _dropper.Transform(input);
        }

        /// <inheritdoc/>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            CheckKeptColumns(inputSchema);
            return _dropper.GetRowToRowMapper(inputSchema);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.Writer.Write(_kept.Length);
            ctx.Writer.Write(_ranking.Length);
            foreach (OutRankFeatureScore score in _ranking)
            {
                ctx.SaveNonEmptyString(score.Name);
                ctx.Writer.Write(score.Score);
                ctx.Writer.Write(score.MutualInformation);
                ctx.Writer.Write(score.Baseline);
                ctx.Writer.Write(score.Cardinality);
                ctx.Writer.Write(score.MissingFraction);
            }
        }

        // The selection is a plain drop of the losing columns; ML.NET's own column selector does it (and is rebuilt on load).
        private static ITransformer MakeDropper(IHostEnvironment env, string[] dropped)
            => dropped.Length == 0
                ? new ColumnSelectingTransformer(env, null, null, keepHidden: true)
                : new ColumnSelectingTransformer(env, null, dropped, keepHidden: false, ignoreMissing: true);

        private void CheckKeptColumns(DataViewSchema schema)
        {
            foreach (string name in _kept)
            {
                if (schema.GetColumnOrNull(name) == null)
                    throw _host.ExceptSchemaMismatch(nameof(schema), "selected feature", name);
            }
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXOUTRNK",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(OutRankTransformer).Assembly.FullName);
    }
}
