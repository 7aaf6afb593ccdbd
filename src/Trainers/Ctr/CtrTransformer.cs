using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Neural;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Trainers;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(CtrTransformer), null, typeof(SignatureLoadModel), "MLExt CTR model", CtrTransformer.LoaderSignature)]

namespace MLExt.Trainers
{
    /// <summary>
    /// A trained click-through-rate model: featurizes the raw columns as learned in training and adds Score (the logit),
    /// Probability and PredictedLabel, as ML.NET's binary classifiers do, so <c>BinaryClassification.Evaluate</c> works.
    /// Holds TorchSharp tensors: dispose it when done.
    /// </summary>
    public sealed class CtrTransformer : NeuralTransformer
    {
        internal const string LoaderSignature = "MLExtCtrModel";

        // The first format (before the engine opened) had no task and an older network spec.
        private const uint FirstFormat = 0x00010001;
        // From this format on the fields record their text hash (XXH3; before, FNV-1a).
        private const uint TextHashFormat = 0x00010004;

        internal CtrTransformer(IHostEnvironment env, NeuralFit.Result trained)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(CtrTransformer)), trained)
        {
        }

        private CtrTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(CtrTransformer)), ctx, ctx.Header.ModelVerWritten == FirstFormat,
                hasTextHash: ctx.Header.ModelVerWritten >= TextHashFormat)
        {
        }

        internal static CtrTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new CtrTransformer(env, ctx);
        }

        /// <summary>The model kind.</summary>
        public CtrModel Model => NetworkSpec.Model;

        private protected override VersionInfo Version => GetVersionInfo();

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXCTRMDL",
            verWrittenCur: TextHashFormat, // 0x00010003: fields may have compressed or quantized tables of their own (stream "EmbeddingTables")
            verReadableCur: TextHashFormat,
            verWeCanReadBack: FirstFormat,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(CtrTransformer).Assembly.FullName);
    }
}
