using System;
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
    public sealed class OutRankTransformer : SelectionTransformerBase
    {
        internal const string LoaderSignature = "MLExtOutRankSelect";

        private readonly OutRankFeatureScore[] _ranking;
        private readonly OutRankFeatureScore[] _kept;
        private readonly ITransformer _dropper;

        internal OutRankTransformer(IHostEnvironment env, IReadOnlyList<OutRankFeatureScore> ranking, IReadOnlyList<string> kept)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(OutRankTransformer)))
        {
            _ranking = ranking.ToArray();
            var byName = _ranking.ToDictionary(s => s.Name);
            _kept = kept.Select(name => byName[name]).ToArray();
            _dropper = MakeDropper(env, _ranking, _kept);
        }

        private OutRankTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(OutRankTransformer)))
        {
            // *** Binary format ***
            // int: features kept; int: ranked features; per feature (best first): string name, string column, int slot (−1 for a
            // scalar column), double score, double MI, double baseline, long cardinality, double missing fraction;
            // since 0x00010002: per kept feature, in the order chosen, int: its index in the ranking (before, the best-ranked were kept)
            int kept = ctx.Reader.ReadInt32();
            int count = ctx.Reader.ReadInt32();
            Host.CheckDecode(kept >= 0 && kept <= count);
            _ranking = new OutRankFeatureScore[count];
            for (int i = 0; i < count; i++)
            {
                string name = ctx.LoadNonEmptyString(), column = ctx.LoadNonEmptyString();
                int slot = ctx.Reader.ReadInt32();
                _ranking[i] = new OutRankFeatureScore(name, column, slot < 0 ? null : slot, ctx.Reader.ReadDouble(), ctx.Reader.ReadDouble(),
                    ctx.Reader.ReadDouble(), ctx.Reader.ReadInt64(), ctx.Reader.ReadDouble());
            }
            if (ctx.Header.ModelVerWritten >= KeptIndicesVersion)
            {
                _kept = new OutRankFeatureScore[kept];
                for (int i = 0; i < kept; i++)
                {
                    int index = ctx.Reader.ReadInt32();
                    Host.CheckDecode(index >= 0 && index < count);
                    _kept[i] = _ranking[index];
                }
            }
            else
                _kept = _ranking.Take(kept).ToArray();
            _dropper = MakeDropper(env, _ranking, _kept);
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

        /// <summary>The features kept, in the order chosen (best-ranked first, or the redundancy-aware order): column names, or Column[slot] for slots of a vector column.</summary>
        public IReadOnlyList<string> SelectedColumns => _kept.Select(s => s.Name).ToArray();

        private protected override ITransformer Selector => _dropper;

        private protected override VersionInfo VersionInfo => GetVersionInfo();

        private protected override void SaveContents(ModelSaveContext ctx)
        {
            ctx.Writer.Write(_kept.Length);
            ctx.Writer.Write(_ranking.Length);
            foreach (OutRankFeatureScore score in _ranking)
            {
                ctx.SaveNonEmptyString(score.Name);
                ctx.SaveNonEmptyString(score.ColumnName);
                ctx.Writer.Write(score.Slot ?? -1);
                ctx.Writer.Write(score.Score);
                ctx.Writer.Write(score.MutualInformation);
                ctx.Writer.Write(score.Baseline);
                ctx.Writer.Write(score.Cardinality);
                ctx.Writer.Write(score.MissingFraction);
            }
            foreach (OutRankFeatureScore score in _kept)
                ctx.Writer.Write(Array.IndexOf(_ranking, score));
        }

        // Scalar columns that lost are dropped with ML.NET's column selector; a vector column keeps its winning slots (every slot
        // of a vector column is ranked), or is dropped when none won. Both are rebuilt from the ranking on load.
        private static ITransformer MakeDropper(IHostEnvironment env, OutRankFeatureScore[] ranking, OutRankFeatureScore[] winners)
        {
            var dropped = new List<string>();
            var slotKeeps = new List<(string, string, int[])>();
            foreach (var column in ranking.GroupBy(s => s.ColumnName))
            {
                int[] keptSlots = winners.Where(w => w.ColumnName == column.Key).Select(w => w.Slot ?? -1).ToArray();
                if (keptSlots.Length == 0)
                    dropped.Add(column.Key);
                else if (column.First().Slot != null && keptSlots.Length < column.Count())
                    slotKeeps.Add((column.Key, column.Key, keptSlots));
            }
            var steps = new List<ITransformer>();
            if (slotKeeps.Count > 0)
                steps.Add(new SlotKeepingTransformer(env, slotKeeps.ToArray()));
            if (dropped.Count > 0)
                steps.Add(new ColumnSelectingTransformer(env, null, dropped.ToArray(), keepHidden: false, ignoreMissing: true));
            // With nothing to drop the chain is empty: the identity.
            return new TransformerChain<ITransformer>(steps.ToArray());
        }

        private protected override void CheckInput(DataViewSchema schema)
        {
            foreach (OutRankFeatureScore feature in _kept)
            {
                DataViewSchema.Column? column = schema.GetColumnOrNull(feature.ColumnName);
                if (column == null)
                    throw Host.ExceptSchemaMismatch(nameof(schema), "selected feature", feature.ColumnName);
                if (feature.Slot is int slot && column.Value.Type.GetVectorSize() <= slot)
                    throw Host.ExceptSchemaMismatch(nameof(schema), "selected feature", feature.ColumnName,
                        $"a vector of at least {slot + 1} slots", column.Value.Type.ToString());
            }
        }

        // Kept features saved by index, so a redundancy-aware choice (not a prefix of the ranking) survives the round trip.
        private const uint KeptIndicesVersion = 0x00010002;

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXOUTRNK",
            verWrittenCur: KeptIndicesVersion,
            verReadableCur: KeptIndicesVersion,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(OutRankTransformer).Assembly.FullName);
    }
}
