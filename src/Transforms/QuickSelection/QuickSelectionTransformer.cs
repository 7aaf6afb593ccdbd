using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms;
using MLExt.Transforms;

[assembly: LoadableClass(typeof(QuickSelectionTransformer), null, typeof(SignatureLoadModel), "QuickSelection Feature Selection", QuickSelectionTransformer.LoaderSignature)]

namespace MLExt.Transforms
{
    /// <summary>
    /// The fitted QuickSelection: writes the chosen slots of the input vector, in their original order and with their slot
    /// names, to the output column. Exposes every slot's strength.
    /// </summary>
    public sealed class QuickSelectionTransformer : SelectionTransformerBase
    {
        internal const string LoaderSignature = "MLExtQuickSelect";

        private readonly string _input;
        private readonly string _output;
        private readonly float[] _strengths;
        private readonly int[] _selected;
        private readonly ITransformer _selector;

        internal QuickSelectionTransformer(IHostEnvironment env, string input, string output, float[] strengths, int[] selected)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(QuickSelectionTransformer)))
        {
            _input = input;
            _output = output;
            _strengths = strengths;
            _selected = selected;
            _selector = MakeSelector(env, input, output, strengths.Length, selected);
        }

        private QuickSelectionTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(QuickSelectionTransformer)))
        {
            // *** Binary format ***
            // string: input column; string: output column; int: slots; float per slot: strength; int: kept; int per kept slot: its index (ascending)
            _input = ctx.LoadNonEmptyString();
            _output = ctx.LoadNonEmptyString();
            int slots = ctx.Reader.ReadInt32();
            Host.CheckDecode(slots > 0);
            _strengths = ctx.Reader.ReadFloatArray(slots);
            int kept = ctx.Reader.ReadInt32();
            Host.CheckDecode(kept > 0 && kept <= slots);
            _selected = ctx.Reader.ReadIntArray(kept);
            Host.CheckDecode(_selected.All(s => s >= 0 && s < slots) && _selected.Zip(_selected.Skip(1)).All(p => p.First < p.Second));
            _selector = MakeSelector(env, _input, _output, slots, _selected);
        }

        internal static QuickSelectionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new QuickSelectionTransformer(env, ctx);
        }

        /// <summary>Each input slot's strength: the sum of absolute weights of its input neuron's connections after training
        /// (0 for a constant slot).</summary>
        public IReadOnlyList<float> FeatureStrengths => _strengths;

        /// <summary>The indices of the chosen input slots, ascending (the output's slot order).</summary>
        public IReadOnlyList<int> SelectedIndices => _selected;

        private protected override ITransformer Selector => _selector;

        private protected override VersionInfo VersionInfo => GetVersionInfo();

        private protected override void SaveContents(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(_input);
            ctx.SaveNonEmptyString(_output);
            ctx.Writer.Write(_strengths.Length);
            ctx.Writer.WriteSinglesNoCount(_strengths);
            ctx.Writer.Write(_selected.Length);
            ctx.Writer.WriteIntsNoCount(_selected);
        }

        private protected override void CheckInput(DataViewSchema schema)
        {
            int slots = QuickSelectionEstimator.CheckInput(Host, schema, _input);
            if (slots != _strengths.Length)
                throw Host.ExceptSchemaMismatch(nameof(schema), "input", _input, $"a vector of {_strengths.Length} Single values", schema[_input].Type.ToString());
        }

        // The slot keeper keeps the selected slots (with their slot names); with all slots selected, the column is copied or left as is.
        private static ITransformer MakeSelector(IHostEnvironment env, string input, string output, int slots, int[] selected)
        {
            if (selected.Length < slots)
                return new SlotKeepingTransformer(env, (output, input, selected));
            if (input != output)
                return new ColumnCopyingTransformer(env, (output, input));
            return new TransformerChain<ITransformer>();
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXQKSELE",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(QuickSelectionTransformer).Assembly.FullName);
    }
}
