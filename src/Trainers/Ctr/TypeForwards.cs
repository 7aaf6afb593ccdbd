using System.Runtime.CompilerServices;

// The CTR enums moved to MLExt.Estimators with the neural engine (OptFS uses them too); applications compiled against an
// earlier MLExt.Trainers still find them.
[assembly: TypeForwardedTo(typeof(MLExt.Trainers.CtrModel))]
[assembly: TypeForwardedTo(typeof(MLExt.Trainers.CtrOptimizer))]
[assembly: TypeForwardedTo(typeof(MLExt.Trainers.CtrNumericHandling))]
