using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Neural;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Trainers;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(TabularNetTransformer), null, typeof(SignatureLoadModel), "MLExt TabularNet model", TabularNetTransformer.LoaderSignature)]

namespace MLExt.Trainers
{
    /// <summary>
    /// A trained TabularNet: featurizes the raw columns as learned in training and adds the task's columns (regression: Score;
    /// multiclass: Score with the class probabilities and PredictedLabel; binary: Score, Probability, PredictedLabel), so ML.NET's
    /// evaluators work. Holds TorchSharp tensors: dispose it when done.
    /// </summary>
    public sealed class TabularNetTransformer : NeuralTransformer
    {
        internal const string LoaderSignature = "MLExtTabularNet";
        // From this format on the fields record their text hash (XXH3; before, FNV-1a).
        private const uint TextHashFormat = 0x00010002;

        internal TabularNetTransformer(IHostEnvironment env, NeuralFit.Result trained)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(TabularNetTransformer)), trained)
        {
        }

        private TabularNetTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(TabularNetTransformer)), ctx, firstFormat: false,
                hasTextHash: ctx.Header.ModelVerWritten >= TextHashFormat)
        {
        }

        internal static TabularNetTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new TabularNetTransformer(env, ctx);
        }

        private protected override VersionInfo Version => GetVersionInfo();

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXTABNET",
            verWrittenCur: TextHashFormat,
            verReadableCur: TextHashFormat,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(TabularNetTransformer).Assembly.FullName);
    }
}
