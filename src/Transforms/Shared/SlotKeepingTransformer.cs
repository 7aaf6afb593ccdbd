using System;
using System.Linq;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

namespace MLExt.Transforms
{
    /// <summary>
    /// Keeps the chosen slots of vector columns, in slot order, with their slot names. It does what ML.NET's slot dropper does
    /// but exports to ONNX as a Gather over the slot axis: the slot dropper's GatherElements has the shape of its one-row index
    /// tensor, so its exported graph scores only the first row of a batch.
    /// </summary>
    internal sealed class SlotKeepingTransformer : OneToOneTransformerBase
    {
        private readonly int[][] _keptSlots;

        /// <param name="env">The host environment.</param>
        /// <param name="columns">For each column: its output and input names and the input slots to keep.</param>
        internal SlotKeepingTransformer(IHostEnvironment env, params (string Output, string Input, int[] KeptSlots)[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(SlotKeepingTransformer)), columns.Select(c => (c.Output, c.Input)).ToArray())
        {
            Host.Check(columns.All(c => c.KeptSlots.Length > 0), "Every column keeps at least one slot.");
            _keptSlots = columns.Select(c => c.KeptSlots.OrderBy(slot => slot).ToArray()).ToArray();
        }

        // The selection transformers that use this one save what they learned and rebuild it on load.
        protected override void SaveModel(ModelSaveContext ctx)
            => throw Host.ExceptNotSupp("A slot keeper is saved by the selection transformer that owns it.");

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        protected override void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
        {
            DataViewType type = inputSchema[srcCol].Type;
            int needed = _keptSlots[col][^1] + 1;
            if (type is not VectorDataViewType { Size: var size } || size < needed)
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", ColumnPairs[col].inputColumnName,
                    $"a vector of at least {needed} slots", type.ToString());
        }

        private sealed class Mapper : OneToOneMapperBase, ISaveAsOnnx
        {
            private readonly SlotKeepingTransformer _keeper;

            public Mapper(SlotKeepingTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host, parent, inputSchema)
            {
                _keeper = parent;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
                => _keeper.ColumnPairs.Select((pair, i) => OutputColumn(pair.outputColumnName, InputSchema[pair.inputColumnName], _keeper._keptSlots[i])).ToArray();

            private static DataViewSchema.DetachedColumn OutputColumn(string name, DataViewSchema.Column input, int[] kept)
            {
                var type = (VectorDataViewType)input.Type;
                var annotations = new DataViewSchema.Annotations.Builder();
                if (input.HasSlotNames())
                {
                    VBuffer<ReadOnlyMemory<char>> names = default;
                    input.GetSlotNames(ref names);
                    var keptNames = kept.Select(slot => names.GetItemOrDefault(slot)).ToArray();
                    annotations.AddSlotNames(kept.Length, (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(keptNames.Length, keptNames));
                }
                if (input.IsNormalized())
                    annotations.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
                return new DataViewSchema.DetachedColumn(name, new VectorDataViewType(type.ItemType, kept.Length), annotations.ToAnnotations());
            }

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                Type item = ((VectorDataViewType)InputSchema[ColMapNewToOld[iinfo]].Type).ItemType.RawType;
                MethodInfo typed = typeof(Mapper).GetMethod(nameof(MakeTypedGetter), BindingFlags.NonPublic | BindingFlags.Instance).MakeGenericMethod(item);
                return (Delegate)typed.Invoke(this, new object[] { input, iinfo });
            }

            private ValueGetter<VBuffer<T>> MakeTypedGetter<T>(DataViewRow input, int iinfo)
            {
                ValueGetter<VBuffer<T>> source = input.GetGetter<VBuffer<T>>(input.Schema[ColMapNewToOld[iinfo]]);
                int[] kept = _keeper._keptSlots[iinfo];
                VBuffer<T> whole = default;
                return (ref VBuffer<T> value) =>
                {
                    source(ref whole);
                    var editor = VBufferEditor.Create(ref value, kept.Length);
                    for (int k = 0; k < kept.Length; k++)
                        editor.Values[k] = whole.GetItemOrDefault(kept[k]);
                    value = editor.Commit();
                };
            }

            public bool CanSaveOnnx(OnnxContext ctx) => true;

            public void SaveAsOnnx(OnnxContext ctx)
            {
                for (int i = 0; i < _keeper.ColumnPairs.Length; i++)
                {
                    (string output, string input) = _keeper.ColumnPairs[i];
                    if (!ctx.ContainsColumn(input))
                        continue;
                    // Read before the output is added: an output of the same name takes the column's variable over.
                    string source = ctx.GetVariableName(input);
                    int[] kept = _keeper._keptSlots[i];
                    string slots = ctx.AddInitializer(kept.Select(slot => (long)slot), new long[] { kept.Length }, "KeptSlots");
                    string result = ctx.AddIntermediateVariable(OutputColumns.Value[i].Type, output);
                    var gather = ctx.CreateNode("Gather", new[] { source, slots }, new[] { result }, ctx.GetNodeName("Gather"), "");
                    gather.AddAttribute("axis", 1);
                }
            }
        }
    }
}
