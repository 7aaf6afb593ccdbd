using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLExt.Transforms
{
    /// <summary>
    /// A fitted selection carried out by ML.NET's column selector and copier and MLExt's slot keeper, rebuilt from
    /// what was learned: every entry point first checks that the input still has what was selected, then delegates.
    /// </summary>
    public abstract class SelectionTransformerBase : ITransformer, ICanSaveModel
    {
        private protected SelectionTransformerBase(IHost host) => Host = host;

        private protected IHost Host { get; }

        /// <summary>The ML.NET transformer that does the selecting.</summary>
        private protected abstract ITransformer Selector { get; }

        /// <inheritdoc/>
        public bool IsRowToRowMapper => true;

        /// <summary>Throws, naming the column, when the schema lacks what was selected.</summary>
        private protected abstract void CheckInput(DataViewSchema schema);

        /// <summary>Writes what was learned (after the version info).</summary>
        private protected abstract void SaveContents(ModelSaveContext ctx);

        private protected abstract VersionInfo VersionInfo { get; }

        /// <inheritdoc/>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            CheckInput(inputSchema);
            return Selector.GetOutputSchema(inputSchema);
        }

        /// <inheritdoc/>
        public IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            CheckInput(input.Schema);
            return Selector.Transform(input);
        }

        /// <inheritdoc/>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            CheckInput(inputSchema);
            return Selector.GetRowToRowMapper(inputSchema);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(VersionInfo);
            SaveContents(ctx);
        }
    }
}
