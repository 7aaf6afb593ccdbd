namespace MLExt.Trainers
{
    /// <summary>Feature-value selection inside the CTR trainer's Fit.</summary>
    public enum CtrFeatureGates
    {
        /// <summary>Every value keeps its embedding.</summary>
        None,

        /// <summary>
        /// OptFS (Lyu et al. 2023): a learnable gate per value of every categorical field is searched with a sparsity penalty and a
        /// hardening temperature, the network is rewound to an early epoch and retrained on the kept values; the saved model holds
        /// only their embeddings. See <see cref="MLExt.Neural.GatedTrainerOptions"/>.
        /// </summary>
        OptFS,
    }
}
