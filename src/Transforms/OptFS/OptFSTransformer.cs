using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Neural.Featurization;
using MLExt.Transforms;

[assembly: LoadableClass(typeof(OptFSTransformer), null, typeof(SignatureLoadModel), "MLExt OptFS selection", OptFSTransformer.LoaderSignature)]

namespace MLExt.Transforms
{
    /// <summary>
    /// The feature values an OptFS search kept: the gated columns keep their names and types, and every value whose gate closed
    /// becomes missing (empty text, key 0, NaN), so a later trainer sees the reduced feature set. Values the search never saw
    /// (unseen in training, or rarer than the minimum count) share their field's out-of-vocabulary gate.
    /// </summary>
    public sealed class OptFSTransformer : RowToRowTransformerBase
    {
        internal const string LoaderSignature = "MLExtOptFS";
        // From this format on the fields record their text hash (XXH3; before, FNV-1a).
        private const uint TextHashFormat = 0x00010002;

        private readonly NeuralFeaturizer _featurizer;
        // Per id of the featurizer (the pad id's entry unused), then per standardized numeric field: kept by the search.
        private readonly bool[] _kept;

        internal OptFSTransformer(IHostEnvironment env, NeuralFeaturizer featurizer, bool[] kept)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(OptFSTransformer)))
        {
            _featurizer = featurizer;
            _kept = kept;
        }

        private OptFSTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(OptFSTransformer)))
        {
            // *** Binary format ***
            // featurizer (see NeuralFeaturizer.Save); int: gates (ids including the pad id, then standardized numeric fields);
            // byte per gate: 1 kept, 0 dropped
            _featurizer = NeuralFeaturizer.Load(ctx, hasTextHash: ctx.Header.ModelVerWritten >= TextHashFormat);
            int gates = ctx.Reader.ReadInt32();
            Host.CheckDecode(gates == _featurizer.PadId + 1 + _featurizer.NumericCount);
            _kept = ctx.Reader.ReadBytes(gates).Select(b => b != 0).ToArray();
        }

        internal static OptFSTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new OptFSTransformer(env, ctx);
        }

        /// <summary>Per input field, in the order the backbone read them: the values gated and the values kept.</summary>
        public IReadOnlyList<OptFSField> Fields
        {
            get
            {
                string[] names = _featurizer.FieldNames;
                var fields = _featurizer.Fields.Select((idField, f) =>
                    new OptFSField(names[f], idField.Size, Enumerable.Range(_featurizer.Offsets[f], idField.Size).Count(id => _kept[id])));
                var numeric = _featurizer.Numeric.Select((_, n) => new OptFSField(names[_featurizer.FieldCount + n], 1, _kept[_featurizer.PadId + 1 + n] ? 1 : 0));
                return fields.Concat(numeric).ToArray();
            }
        }

        /// <summary>The share of all gated values kept.</summary>
        public double KeptValueFraction
        {
            get
            {
                IReadOnlyList<OptFSField> fields = Fields;
                return (double)fields.Sum(f => f.KeptValues) / fields.Sum(f => f.Values);
            }
        }

        /// <summary>Whether a column of this item type has a missing value to turn dropped values into.</summary>
        internal static bool HasMissingValue(DataViewType item)
            => item is TextDataViewType || item is KeyDataViewType || item == NumberDataViewType.Single || item == NumberDataViewType.Double;

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            _featurizer.Save(ctx);
            ctx.Writer.Write(_kept.Length);
            ctx.Writer.Write(_kept.Select(k => (byte)(k ? 1 : 0)).ToArray());
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXOPTFST",
            verWrittenCur: TextHashFormat,
            verReadableCur: TextHashFormat,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(OptFSTransformer).Assembly.FullName);

        /// <summary>
        /// Whether a value of column <paramref name="column"/> (at a vector's slot; 0 for a scalar) is kept: for a categorical column,
        /// by its value's gate; for a numeric column, by its slot's field gate (standardized) or its bucket's gate (bucketed).
        /// Missing values are kept as they are.
        /// </summary>
        private Func<T, int, bool> Keeps<T>(DataViewSchema.Column column)
        {
            CategoricalField[] fields = _featurizer.Fields;
            int categorical = Array.FindIndex(fields, f => f.Column == column.Name && f.Kind == CategoricalField.KeyKind.Value);
            if (categorical >= 0)
            {
                CategoricalField field = fields[categorical];
                Func<T, ulong> keyOf = ColumnReader.KeyOf<T>(column, field.TextHash);
                int offset = _featurizer.Offsets[categorical];
                return (value, _) =>
                {
                    ulong key = keyOf(value);
                    return key == CategoricalField.Missing || _kept[offset + field.IdOf(key)];
                };
            }
            var slots = new Func<double, bool>[column.Type is VectorDataViewType vector ? vector.Size : 1];
            for (int f = 0; f < fields.Length; f++)
            {
                if (fields[f].Column != column.Name)
                    continue;
                CategoricalField field = fields[f];
                int offset = _featurizer.Offsets[f];
                slots[Math.Max(field.Slot, 0)] = v => double.IsNaN(v) || _kept[offset + field.IdOf(field.NumberKey(v))];
            }
            for (int n = 0; n < _featurizer.NumericCount; n++)
            {
                if (_featurizer.Numeric[n].Column == column.Name)
                {
                    bool kept = _kept[_featurizer.PadId + 1 + n];
                    slots[Math.Max(_featurizer.Numeric[n].Slot, 0)] = v => kept || double.IsNaN(v);
                }
            }
            Func<T, double> number = typeof(T) == typeof(float) ? (Func<T, double>)(object)(Func<float, double>)(v => v) : (Func<T, double>)(object)(Func<double, double>)(v => v);
            return (value, slot) => slots[slot](number(value));
        }

        // Copies each gated column, its dropped values made missing.
        private sealed class Mapper : MapperBase
        {
            private readonly OptFSTransformer _transformer;
            private readonly DataViewSchema.Column[] _inputs;

            public Mapper(OptFSTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                _transformer = parent;
                _inputs = parent._featurizer.InputColumns.Select(name =>
                {
                    DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", name);
                    if (!HasMissingValue(column.Type.GetItemType()))
                        throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", name, "text, key, Single or Double values", column.Type.ToString());
                    return column;
                }).ToArray();
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
                => _inputs.Select(c => new DataViewSchema.DetachedColumn(c.Name, c.Type, c.Annotations)).ToArray();

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            {
                var needed = _inputs.Where((_, i) => activeOutput(i)).Select(c => c.Index).ToHashSet();
                return needed.Contains;
            }

            protected override void SaveModel(ModelSaveContext ctx) => _transformer.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                DataViewSchema.Column column = _inputs[iinfo];
                Type raw = column.Type.GetItemType().RawType;
                if (raw == typeof(ReadOnlyMemory<char>))
                    return Getter<ReadOnlyMemory<char>>(input, column, default);
                if (raw == typeof(uint))
                    return Getter(input, column, 0u);
                if (raw == typeof(float))
                    return Getter(input, column, float.NaN);
                return Getter(input, column, double.NaN);
            }

            private Delegate Getter<T>(DataViewRow input, DataViewSchema.Column column, T missing)
            {
                Func<T, int, bool> keeps = _transformer.Keeps<T>(column);
                if (column.Type is VectorDataViewType)
                {
                    var vector = input.GetGetter<VBuffer<T>>(column);
                    VBuffer<T> buffer = default;
                    return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
                    {
                        vector(ref buffer);
                        var editor = VBufferEditor.Create(ref value, buffer.Length);
                        buffer.CopyTo(editor.Values);
                        for (int i = 0; i < editor.Values.Length; i++)
                        {
                            if (!keeps(editor.Values[i], i))
                                editor.Values[i] = missing;
                        }
                        value = editor.Commit();
                    });
                }
                var scalar = input.GetGetter<T>(column);
                return (ValueGetter<T>)((ref T value) =>
                {
                    scalar(ref value);
                    if (!keeps(value, 0))
                        value = missing;
                });
            }
        }
    }
}
