using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.Testing
{
    /// <summary>Input that an estimator must reject, and the column its error message must name.</summary>
    /// <param name="Description">What is wrong, for the assertion message.</param>
    /// <param name="Data">The data with the defect.</param>
    /// <param name="ColumnName">The column the exception message must name.</param>
    public sealed record InvalidInput(string Description, IDataView Data, string ColumnName);

    /// <summary>
    /// The checks every MLExt estimator passes (in the spirit of ML.NET's TestEstimatorCore): the output schema promised by
    /// GetOutputSchema is the one produced; the model survives Save and Load in a fresh MLContext (no RegisterAssembly) with
    /// identical outputs; single-row mapping (what PredictionEngine uses) agrees with batch transform; bad input fails early
    /// in both GetOutputSchema and Fit with a message naming the column.
    /// </summary>
    public static class ConformanceKit
    {
        /// <summary>Runs every check and returns the fitted transformer for further assertions.</summary>
        public static TTransformer Check<TTransformer>(MLContext mlContext, IEstimator<TTransformer> estimator, IDataView trainData,
            IDataView scoreData = null, IEnumerable<InvalidInput> invalidInputs = null, IEnumerable<InvalidInput> invalidForTransformer = null)
            where TTransformer : class, ITransformer
        {
            scoreData ??= trainData;
            SchemaShape promised = estimator.GetOutputSchema(SchemaShape.Create(trainData.Schema));
            TTransformer transformer = estimator.Fit(trainData);
            IDataView scored = transformer.Transform(scoreData);

            AssertShapeMatchesSchema(promised, scored.Schema);
            AssertSchemasEqual(transformer.GetOutputSchema(scoreData.Schema), scored.Schema, "transformer.GetOutputSchema");
            AssertSaveLoadRoundTrip(mlContext, transformer, trainData.Schema, scoreData, scored);
            AssertRowMapperAgreesWithBatch(transformer, scoreData, scored);

            foreach (InvalidInput bad in invalidInputs ?? Enumerable.Empty<InvalidInput>())
            {
                AssertThrowsNaming(() => estimator.GetOutputSchema(SchemaShape.Create(bad.Data.Schema)), bad, "GetOutputSchema");
                AssertThrowsNaming(() => estimator.Fit(bad.Data), bad, "Fit");
            }
            foreach (InvalidInput bad in invalidForTransformer ?? Enumerable.Empty<InvalidInput>())
            {
                AssertThrowsNaming(() => transformer.GetOutputSchema(bad.Data.Schema), bad, "transformer.GetOutputSchema");
                AssertThrowsNaming(() => transformer.Transform(bad.Data), bad, "transformer.Transform");
            }
            return transformer;
        }

        /// <summary>The shape of a schema, as estimators' GetOutputSchema takes it (SchemaShape.Create is internal to ML.NET).</summary>
        public static SchemaShape ShapeOf(DataViewSchema schema) => SchemaShape.Create(schema);

        /// <summary>Every promised column exists with the same kind, item type and annotation names.</summary>
        public static void AssertShapeMatchesSchema(SchemaShape promised, DataViewSchema actual)
        {
            SchemaShape actualShape = SchemaShape.Create(actual);
            foreach (SchemaShape.Column column in promised)
            {
                Assert.IsTrue(actualShape.TryFindColumn(column.Name, out SchemaShape.Column produced), $"Promised column '{column.Name}' was not produced.");
                Assert.AreEqual(column.Kind, produced.Kind, $"Column '{column.Name}': vector kind differs.");
                Assert.AreEqual(column.ItemType, produced.ItemType, $"Column '{column.Name}': item type differs.");
                Assert.AreEqual(column.IsKey, produced.IsKey, $"Column '{column.Name}': key-ness differs.");
                var promisedAnnotations = column.Annotations.Select(a => a.Name).OrderBy(n => n).ToArray();
                var producedAnnotations = produced.Annotations.Select(a => a.Name).OrderBy(n => n).ToArray();
                CollectionAssert.AreEqual(promisedAnnotations, producedAnnotations, $"Column '{column.Name}': annotations differ.");
            }
        }

        /// <summary>Same column names, types and annotation names, in the same order.</summary>
        public static void AssertSchemasEqual(DataViewSchema expected, DataViewSchema actual, string what)
        {
            Assert.AreEqual(expected.Count, actual.Count, $"{what}: column count differs.");
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.AreEqual(expected[i].Name, actual[i].Name, $"{what}: column {i} name differs.");
                Assert.AreEqual(expected[i].Type, actual[i].Type, $"{what}: column '{expected[i].Name}' type differs.");
                CollectionAssert.AreEqual(expected[i].Annotations.Schema.Select(a => a.Name).ToArray(),
                    actual[i].Annotations.Schema.Select(a => a.Name).ToArray(), $"{what}: column '{expected[i].Name}' annotations differ.");
            }
        }

        /// <summary>The bytes of the model zip <c>mlContext.Model.Save</c> writes for <paramref name="model"/>.</summary>
        public static long SavedBytes(MLContext mlContext, ITransformer model, DataViewSchema inputSchema)
        {
            using var stream = new System.IO.MemoryStream();
            mlContext.Model.Save(model, inputSchema, stream);
            return stream.Length;
        }

        /// <summary>Save with one MLContext, load with a fresh one, and compare every output column value.</summary>
        public static void AssertSaveLoadRoundTrip(MLContext mlContext, ITransformer transformer, DataViewSchema inputSchema, IDataView scoreData, IDataView scored)
        {
            using var stream = new MemoryStream();
            mlContext.Model.Save(transformer, inputSchema, stream);
            stream.Position = 0;
            var fresh = new MLContext(seed: 7);
            ITransformer loaded = fresh.Model.Load(stream, out DataViewSchema loadedSchema);
            Assert.AreEqual(inputSchema.Count, loadedSchema.Count, "The saved input schema lost columns.");
            IDataView reScored = loaded.Transform(scoreData);
            AssertSchemasEqual(scored.Schema, reScored.Schema, "after Load");
            AssertSameValues(scored, reScored, "after Load");
            (loaded as IDisposable)?.Dispose();
        }

        /// <summary>Mapping rows one at a time (as PredictionEngine does) gives the batch transform's values: exactly, or for
        /// floating-point values and vectors to 1e-5 relative (a network scoring a batch sums in another order than for one row).</summary>
        public static void AssertRowMapperAgreesWithBatch(ITransformer transformer, IDataView scoreData, IDataView scored)
        {
            if (!transformer.IsRowToRowMapper)
                return;
            IRowToRowMapper mapper = transformer.GetRowToRowMapper(scoreData.Schema);
            var outputs = mapper.OutputSchema.Where(c => !c.IsHidden && IsComparable(c.Type)).ToArray();
            var expected = outputs.ToDictionary(c => c.Name, c => ReadColumn(scored, scored.Schema[c.Name]));
            using DataViewRowCursor cursor = scoreData.GetRowCursor(scoreData.Schema);
            using DataViewRow row = mapper.GetRow(cursor, mapper.OutputSchema);
            int index = 0;
            while (cursor.MoveNext())
            {
                foreach (DataViewSchema.Column column in outputs)
                {
                    object value = ReadValue(row, column), batch = expected[column.Name][index];
                    string what = $"Row {index}, column '{column.Name}': the row mapper disagrees with the batch transform.";
                    if (value is float or double && !double.IsNaN(Convert.ToDouble(batch)))
                        AssertClose(Convert.ToDouble(batch), Convert.ToDouble(value), what);
                    else if (value is float[] vector && batch is float[] batchVector && vector.Length == batchVector.Length)
                        for (int i = 0; i < vector.Length; i++)
                            AssertClose(batchVector[i], vector[i], $"{what} (slot {i})");
                    else
                        Assert.AreEqual(Format(batch), Format(value), what);
                }
                index++;
            }
        }

        private static void AssertClose(double expected, double actual, string what)
            => Assert.AreEqual(expected, actual, 1e-5 * Math.Max(1, Math.Abs(expected)), what);

        /// <summary>Every comparable column of two data views holds the same values.</summary>
        public static void AssertSameValues(IDataView expected, IDataView actual, string what)
        {
            foreach (DataViewSchema.Column column in expected.Schema.Where(c => !c.IsHidden && IsComparable(c.Type)))
            {
                var a = ReadColumn(expected, column);
                var b = ReadColumn(actual, actual.Schema[column.Name]);
                Assert.AreEqual(a.Count, b.Count, $"{what}: column '{column.Name}' row count differs.");
                for (int i = 0; i < a.Count; i++)
                    Assert.AreEqual(Format(a[i]), Format(b[i]), $"{what}: column '{column.Name}' differs at row {i}.");
            }
        }

        private static void AssertThrowsNaming(Action action, InvalidInput bad, string step)
            => AssertThrowsMentioning(action, bad.ColumnName, $"{step} with {bad.Description}");

        /// <summary>
        /// Cancels the context's execution, as AutoML does past a trial's time budget, once its log has carried
        /// <paramref name="count"/> messages starting with <paramref name="prefix"/>; returns the log's messages so far. (ML.NET
        /// keeps CancelExecution internal; applications reach it through Microsoft.ML.Experimental.)
        /// </summary>
        public static IReadOnlyList<string> CancelAfterLogging(MLContext mlContext, string prefix, int count)
        {
            var messages = new List<string>();
            int seen = 0;
            mlContext.Log += (_, e) =>
            {
                lock (messages)
                {
                    messages.Add(e.RawMessage);
                    if (e.RawMessage.StartsWith(prefix, StringComparison.Ordinal) && ++seen == count)
                        mlContext.CancelExecution();
                }
            };
            return messages;
        }

        /// <summary>The action throws, and the message mentions <paramref name="text"/> (case-insensitively: ML.NET's prediction
        /// transformers say "Incompatible features column type" for the feature column).</summary>
        public static void AssertThrowsMentioning(Action action, string text, string what = null)
        {
            Exception error = null;
            try
            {
                action();
            }
            catch (Exception e)
            {
                error = e;
            }
            Assert.IsNotNull(error, $"{what ?? "the action"} did not fail (expected a message mentioning '{text}').");
            Assert.IsTrue(error.Message.Contains(text, StringComparison.OrdinalIgnoreCase),
                $"{what ?? "the action"} failed but its message does not mention '{text}': {error.Message}");
        }

        private static bool IsComparable(DataViewType type)
        {
            Type raw = type.RawType;
            return raw == typeof(float) || raw == typeof(double) || raw == typeof(bool) || raw == typeof(int) || raw == typeof(uint)
                || raw == typeof(long) || raw == typeof(ReadOnlyMemory<char>) || raw == typeof(VBuffer<float>) || raw == typeof(VBuffer<uint>);
        }

        private static List<object> ReadColumn(IDataView data, DataViewSchema.Column column)
        {
            var values = new List<object>();
            using DataViewRowCursor cursor = data.GetRowCursor(new[] { column });
            while (cursor.MoveNext())
                values.Add(ReadValue(cursor, column));
            return values;
        }

        private static object ReadValue(DataViewRow row, DataViewSchema.Column column)
        {
            Type raw = column.Type.RawType;
            if (raw == typeof(float)) return Get<float>(row, column);
            if (raw == typeof(double)) return Get<double>(row, column);
            if (raw == typeof(bool)) return Get<bool>(row, column);
            if (raw == typeof(int)) return Get<int>(row, column);
            if (raw == typeof(uint)) return Get<uint>(row, column);
            if (raw == typeof(long)) return Get<long>(row, column);
            if (raw == typeof(ReadOnlyMemory<char>)) return Get<ReadOnlyMemory<char>>(row, column).ToString();
            if (raw == typeof(VBuffer<float>)) return Get<VBuffer<float>>(row, column).DenseValues().ToArray();
            if (raw == typeof(VBuffer<uint>)) return Get<VBuffer<uint>>(row, column).DenseValues().ToArray();
            throw new NotSupportedException(raw.Name);
        }

        private static T Get<T>(DataViewRow row, DataViewSchema.Column column)
        {
            T value = default;
            row.GetGetter<T>(column)(ref value);
            return value;
        }

        // Values are compared exactly, through a round-trip text form so arrays compare element-wise.
        private static string Format(object value) => value switch
        {
            float f => f.ToString("R"),
            double d => d.ToString("R"),
            float[] fs => string.Join(",", fs.Select(f => f.ToString("R"))),
            uint[] us => string.Join(",", us),
            _ => value?.ToString() ?? "null",
        };
    }
}
