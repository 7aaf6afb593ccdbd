using System;
using System.Collections.Generic;
using System.Linq;
using MLExt.Devices;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>
    /// The embedding layer every model shares: an embedding row and a first-order weight per id, and per numeric field an
    /// embedding that the (standardized) value scales. A multi-valued field's embeddings are summed into one field embedding
    /// (as a multi-hot field enters a factorization machine, so "contains x" is expressible), the pad id masked out. Each field
    /// owns its block of rows (and a numeric field its own embedding and weight): the unit that field-level regularizers and
    /// readouts work on. The id embeddings come from one fused table (the fast path) or from a <see cref="FieldEmbeddingTable"/>
    /// per field: the seam for embedding compressors, gates and pruning.
    /// </summary>
    internal sealed class FieldEmbedding : Module
    {
        // The fused tables of every id field's rows, embeddings and first-order weights (the fast path), or null when each field has
        // tables of its own.
        private readonly Modules.Embedding embeddings;
        private readonly Modules.Embedding firstOrder;
        private readonly Modules.ModuleList<FieldEmbeddingTable> fieldTables;
        private readonly Modules.ModuleList<FieldEmbeddingTable> fieldFirstOrder;
        // The first id of each id field's block, and its size.
        private readonly long[] _offsets;
        private readonly int[] _sizes;
        private readonly Modules.Parameter numericEmbeddings;
        private readonly Modules.Parameter numericFirstOrder;
        private readonly int[] _widths;
        private readonly bool _multiValued;
        private readonly long _padId;
        // The field of each row of the fused tables (the pad row belongs to none: index of the id field count, dropped); null for
        // per-field tables.
        private readonly long[] _fieldOfRow;
        private readonly int _idFields;
        // _fieldOfRow on the tables' device, made when first needed (not a buffer: it follows from the spec and is not saved).
        private Tensor _fieldOfRowTensor;

        /// <param name="spec">The network's fields.</param>
        /// <param name="tables">Makes each id field's own tables (its embeddings, and its first-order weights as a table of dimension
        /// 1); null (the default): one fused table of each for all fields.</param>
        public FieldEmbedding(NetworkSpec spec, FieldTableFactory tables = null) : base(nameof(FieldEmbedding))
        {
            _widths = spec.FieldWidths;
            _multiValued = _widths.Any(w => w > 1);
            _padId = spec.IdCount;
            _idFields = spec.FieldCount;
            // One row past the fields' blocks: the pad id of multi-valued fields.
            int rows = spec.IdCount + 1;
            if (tables == null)
            {
                embeddings = Embedding(rows, spec.EmbeddingDimension);
                firstOrder = Embedding(rows, 1);
            }
            else
            {
                fieldTables = new Modules.ModuleList<FieldEmbeddingTable>(spec.FieldSizes.Select((size, f) => tables(f, size, spec.EmbeddingDimension, false)).ToArray());
                fieldFirstOrder = new Modules.ModuleList<FieldEmbeddingTable>(spec.FieldSizes.Select((size, f) => tables(f, size, 1, true)).ToArray());
            }
            _sizes = spec.FieldSizes;
            _offsets = _sizes.Select((_, f) => (long)_sizes.Take(f).Sum()).ToArray();
            numericEmbeddings = new Modules.Parameter(empty(spec.NumericCount, spec.EmbeddingDimension));
            numericFirstOrder = new Modules.Parameter(zeros(spec.NumericCount));
            using (no_grad())
            {
                if (embeddings is not null)
                {
                    init.normal_(embeddings.weight, std: 1e-4);
                    init.zeros_(firstOrder.weight);
                }
                init.normal_(numericEmbeddings, std: 1e-4);
            }
            if (embeddings is not null)
                _fieldOfRow = spec.FieldSizes.SelectMany((size, f) => Enumerable.Repeat((long)f, size)).Append(spec.FieldCount).ToArray();
            RegisterComponents();
        }

        /// <summary>
        /// OptFS gates multiplying each value's embedding and first-order weight (and each numeric field's) during a gate search;
        /// null otherwise. Not the network's parameters: not in its optimizer, not saved.
        /// </summary>
        public Gates.ValueGates Gates { get; set; }

        /// <summary>Id field <paramref name="field"/>'s own embedding table (null for fused tables).</summary>
        public FieldEmbeddingTable TableOf(int field) => fieldTables?[field];

        /// <summary>Bytes the whole layer takes as stored (see <see cref="ModuleBytes.Stored"/>).</summary>
        public long StoredBytes => ModuleBytes.Stored(this);

        /// <summary>Bytes id field <paramref name="field"/>'s own tables take as stored (embeddings and first-order weights).</summary>
        public long StoredBytesOf(int field) => fieldTables[field].StoredBytes + fieldFirstOrder[field].StoredBytes;

        /// <summary>Fields: id fields, then numeric fields.</summary>
        public int FieldCount => _idFields + (int)numericFirstOrder.shape[0];

        /// <summary>The field embeddings [batch, fields, dimension] and the first-order sum [batch].</summary>
        public (Tensor Fields, Tensor Linear) Embed(Tensor ids, Tensor numeric)
        {
            Tensor idEmbeddings = LookUp(ids), idFirstOrder = LookUpFirstOrder(ids);
            Tensor numericWeights = numericEmbeddings, numericLinear = numericFirstOrder;
            if (Gates is not null)
            {
                Tensor gates = Gates.OfIds(ids), numericGates = Gates.OfNumeric();
                idEmbeddings = idEmbeddings * gates;
                idFirstOrder = idFirstOrder * gates;
                numericWeights = numericWeights * numericGates.unsqueeze(-1);
                numericLinear = numericLinear * numericGates;
            }
            if (_multiValued)
            {
                // Multi-valued fields: only places holding an id (not the pad id) count.
                Tensor used = Used(ids, idEmbeddings.dtype);
                idEmbeddings = Pool(idEmbeddings, used);
                idFirstOrder = Pool(idFirstOrder, used);
            }
            Tensor numericPart = numeric.unsqueeze(-1) * numericWeights;
            Tensor fields = cat(new[] { idEmbeddings, numericPart }, 1);
            Tensor linear = idFirstOrder.sum(new long[] { 1, 2 }).Plus(numeric.matmul(numericLinear));
            return (fields, linear);
        }

        /// <summary>
        /// <see cref="Embed"/> as ONNX operators (fused tables only, no gates): the field embeddings [batch, fields, dimension] and
        /// the first-order sum [batch]. The pad row is exported as zeros, so a multi-valued field's places simply add up.
        /// </summary>
        public (string Fields, string Linear) ExportOnnx(Onnx.OnnxGraph graph, string ids, string numeric)
        {
            if (embeddings is null)
                throw new NotSupportedException("Only fused embedding tables export to ONNX.");
            var fields = new List<string>();
            var linear = new List<string>();
            if (_idFields > 0)
            {
                using var scope = NewDisposeScope();
                Tensor WithoutPadRow(Tensor table) => cat(new[] { table.narrow(0, 0, _padId), zeros(1, table.shape[1], device: table.device) }, 0);
                string idEmbeddings = graph.Gather(graph.Constant(WithoutPadRow(embeddings.weight)), ids);
                string idFirstOrder = graph.Gather(graph.Constant(WithoutPadRow(firstOrder.weight)), ids);
                fields.Add(_multiValued ? ExportPool(graph, idEmbeddings) : idEmbeddings);
                linear.Add(graph.ReduceSum(idFirstOrder, new long[] { 1, 2 }, false));
            }
            if (numeric is not null)
            {
                fields.Add(graph.Mul(graph.Unsqueeze(numeric, 2), graph.Constant(numericEmbeddings)));
                linear.Add(graph.MatMul(numeric, graph.Constant(numericFirstOrder)));
            }
            return (graph.Concat(1, fields.ToArray()), linear.Count == 1 ? linear[0] : graph.Add(linear[0], linear[1]));
        }

        // Pool's export: each multi-valued field's places summed (the pad places are zero rows).
        private string ExportPool(Onnx.OnnxGraph graph, string places)
        {
            var parts = new List<string>();
            long start = 0;
            foreach (int width in _widths)
            {
                string part = graph.Slice(places, start, start + width, 1);
                parts.Add(width > 1 ? graph.ReduceSum(part, new long[] { 1 }, true) : part);
                start += width;
            }
            return graph.Concat(1, parts.ToArray());
        }

        /// <summary>Each id field's first-order weight [batch, id fields] (a multi-valued field's summed over the values it holds), ungated.</summary>
        public Tensor IdFirstOrder(Tensor ids)
        {
            Tensor weights = LookUpFirstOrder(ids);
            return (_multiValued ? Pool(weights, Used(ids, weights.dtype)) : weights).squeeze(-1);
        }

        /// <summary>The squared norm of the embeddings and first-order weights the rows' ids use, summed over the rows (the pad id excluded).</summary>
        public Tensor UsedSquaredNorm(Tensor ids)
        {
            Tensor perPlace = LookUp(ids).Squared().sum(-1).Plus(LookUpFirstOrder(ids).squeeze(-1).Squared());
            return _multiValued ? (perPlace * Used(ids, perPlace.dtype).squeeze(-1)).sum() : perPlace.sum();
        }

        /// <summary>
        /// Each field's squared L2 norm over all the weights it owns [fields]: its rows of both tables, or its numeric embedding and
        /// weight. With <paramref name="rowWeights"/> [ids + 1] each id's row counts with that weight (a numeric field's with 1).
        /// </summary>
        public Tensor FieldSquaredNorms(Tensor rowWeights = null)
            => cat(new[] { IdFieldSquaredNorms(rowWeights, linearOnly: false), numericEmbeddings.Squared().sum(-1).Plus(numericFirstOrder.Squared()) }, 0);

        /// <summary>Each field's squared norm over its first-order (linear) weights alone [fields], ids weighted as in <see cref="FieldSquaredNorms"/>.</summary>
        public Tensor LinearSquaredNorms(Tensor rowWeights = null)
            => cat(new[] { IdFieldSquaredNorms(rowWeights, linearOnly: true), numericFirstOrder.Squared() }, 0);

        // The id fields' squared norms [id fields]: of their first-order weights, and unless linearOnly of their embeddings too.
        private Tensor IdFieldSquaredNorms(Tensor rowWeights, bool linearOnly)
        {
            if (fieldTables is not null)
            {
                if (_idFields == 0)
                    return zeros(0, device: numericFirstOrder.device);
                return stack(Enumerable.Range(0, _idFields).Select(f => linearOnly
                    ? TableSquaredNorm(fieldFirstOrder[f], f, rowWeights)
                    : TableSquaredNorm(fieldFirstOrder[f], f, rowWeights).Plus(TableSquaredNorm(fieldTables[f], f, rowWeights))).ToArray());
            }
            Tensor rowNorms = firstOrder.weight.squeeze(-1).Squared();
            if (!linearOnly)
                rowNorms = rowNorms.Plus(embeddings.weight.Squared().sum(-1));
            if (rowWeights is not null)
                rowNorms = rowNorms * rowWeights;
            return zeros(_idFields + 1, dtype: rowNorms.dtype, device: rowNorms.device).AddAtInPlace(0, FieldOfRow(), rowNorms).narrow(0, 0, _idFields);
        }

        /// <summary>Multiplies each field's first-order (linear) weights by its factor [fields], without gradients.</summary>
        public void ScaleLinear(Tensor factors)
        {
            using var noGrad = no_grad();
            firstOrder?.weight.mul_(RowFactors(factors).unsqueeze(-1));
            for (int f = 0; f < _idFields && fieldFirstOrder is not null; f++)
                fieldFirstOrder[f].Scale(factors[f]);
            numericFirstOrder.mul_(factors.narrow(0, _idFields, factors.shape[0] - _idFields));
        }

        // A factor per table row from a factor per field (the pad row keeps 1).
        private Tensor RowFactors(Tensor factors)
            => cat(new[] { factors.narrow(0, 0, _idFields), ones(1, dtype: factors.dtype, device: factors.device) }, 0).index_select(0, FieldOfRow());

        // A field table's squared norm; weighted per id, through the table's own lookup of every local id (so any table works).
        private Tensor TableSquaredNorm(FieldEmbeddingTable table, int field, Tensor rowWeights)
        {
            if (rowWeights is null)
                return table.SquaredNorm();
            int size = _sizes[field];
            Tensor rows = table.forward(TorchScalars.Range(size, rowWeights.device).unsqueeze(0)).squeeze(0);
            return (rows.Squared().sum(-1) * rowWeights.narrow(0, _offsets[field], size)).sum();
        }

        // The field of each fused table row, on the tables' device.
        private Tensor FieldOfRow()
        {
            if (_fieldOfRowTensor is null || _fieldOfRowTensor.device != embeddings.weight.device)
            {
                _fieldOfRowTensor?.Dispose();
                _fieldOfRowTensor = tensor(_fieldOfRow, device: embeddings.weight.device).DetachFromDisposeScope();
            }
            return _fieldOfRowTensor;
        }

        /// <summary>Multiplies every weight a field owns by that field's factor (<paramref name="factors"/> [fields]), without gradients.</summary>
        public void ScaleFields(Tensor factors)
        {
            using var noGrad = no_grad();
            if (embeddings is not null)
            {
                Tensor rowFactors = RowFactors(factors).unsqueeze(-1);
                embeddings.weight.mul_(rowFactors);
                firstOrder.weight.mul_(rowFactors);
            }
            for (int f = 0; f < _idFields && fieldTables is not null; f++)
            {
                fieldTables[f].Scale(factors[f]);
                fieldFirstOrder[f].Scale(factors[f]);
            }
            Tensor numericFactors = factors.narrow(0, _idFields, factors.shape[0] - _idFields);
            numericEmbeddings.mul_(numericFactors.unsqueeze(-1));
            numericFirstOrder.mul_(numericFactors);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _fieldOfRowTensor?.Dispose();
            base.Dispose(disposing);
        }

        // The id embeddings [batch, places, d]: from the fused table, or each field's places from its own table by local id (a
        // multi-valued field's pad places read id 0 and are masked out by the caller).
        private Tensor LookUp(Tensor ids) => embeddings is not null ? embeddings.forward(ids) : LookUpPerField(ids, fieldTables);

        // The first-order weights [batch, places, 1], as LookUp.
        private Tensor LookUpFirstOrder(Tensor ids) => firstOrder is not null ? firstOrder.forward(ids) : LookUpPerField(ids, fieldFirstOrder);

        private Tensor LookUpPerField(Tensor ids, Modules.ModuleList<FieldEmbeddingTable> tables)
        {
            var parts = new Tensor[_widths.Length];
            long start = 0;
            for (int f = 0; f < _widths.Length; f++)
            {
                Tensor places = ids.narrow(1, start, _widths[f]);
                Tensor local = _widths[f] > 1 ? where(places.With(_padId, static (t, pad) => t.eq(pad)), zeros_like(places), places.Minus(_offsets[f])) : places.Minus(_offsets[f]);
                parts[f] = tables[f].forward(local);
                start += _widths[f];
            }
            return cat(parts, 1);
        }

        private Tensor Used(Tensor ids, ScalarType type) => ids.With(_padId, static (t, pad) => t.ne(pad)).unsqueeze(-1).to_type(type);

        // [batch, places, d] to [batch, fields, d]: each multi-valued field's places summed over the ones in use.
        private Tensor Pool(Tensor places, Tensor used)
        {
            var parts = new Tensor[_widths.Length];
            long start = 0;
            for (int f = 0; f < _widths.Length; f++)
            {
                Tensor part = places.narrow(1, start, _widths[f]);
                if (_widths[f] > 1)
                {
                    Tensor mask = used.narrow(1, start, _widths[f]);
                    part = (part * mask).sum(1).unsqueeze(1);
                }
                parts[f] = part;
                start += _widths[f];
            }
            return cat(parts, 1);
        }
    }
}
