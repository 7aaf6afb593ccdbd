namespace MLExt.Neural
{
    /// <summary>
    /// Batch size, epochs and early-stopping patience for the options a user left at 0, chosen from the number of training
    /// rows: a few thousand business rows in batches of 4,096 get one optimizer step an epoch and stop far from their best
    /// (about 0.73 AUC against 0.76 with batches of 256 on a 5,800-row data set), while tens of millions of click rows want large
    /// batches for throughput and few epochs.
    /// </summary>
    public readonly record struct TrainingDefaults(int BatchSize, int NumberOfEpochs, int EarlyStoppingPatience)
    {
        /// <summary>The settings for <paramref name="trainingRows"/> rows, each explicit option kept as it is.</summary>
        public static TrainingDefaults For(long trainingRows, NeuralTrainerOptions options)
        {
            // About a hundred optimizer steps an epoch or more, in batches of 256 to 4,096 (a power of two).
            int batch = 256;
            while (batch < 4096 && trainingRows / (batch * 2) >= 100)
                batch *= 2;
            // Small data: more, cheaper epochs and a patient stop (validation metrics on a few hundred rows are noisy).
            bool small = trainingRows < 100_000;
            return new TrainingDefaults(
                options.BatchSize > 0 ? options.BatchSize : batch,
                options.NumberOfEpochs > 0 ? options.NumberOfEpochs : small ? 30 : 10,
                options.EarlyStoppingPatience > 0 ? options.EarlyStoppingPatience : small ? 3 : 2);
        }
    }
}
