namespace MLExt.Transforms
{
    /// <summary>One feature's place in an OutRank ranking.</summary>
    public sealed class OutRankFeatureScore
    {
        internal OutRankFeatureScore(string name, string columnName, int? slot, double score, double mutualInformation, double baseline, long cardinality, double missingFraction)
        {
            Name = name;
            ColumnName = columnName;
            Slot = slot;
            Score = score;
            MutualInformation = mutualInformation;
            Baseline = baseline;
            Cardinality = cardinality;
            MissingFraction = missingFraction;
        }

        /// <summary>The feature's name: the column name, or Column[slot name] for a slot of a vector column.</summary>
        public string Name { get; }

        /// <summary>The column the feature comes from.</summary>
        public string ColumnName { get; }

        /// <summary>The slot within a vector column; null for a scalar column.</summary>
        public int? Slot { get; }

        /// <summary>The heuristic's score; the ranking is by this, highest first.</summary>
        public double Score { get; }

        /// <summary>Plain mutual information with the label, in nats.</summary>
        public double MutualInformation { get; }

        /// <summary>The chance part the heuristic subtracted (MutualInformation − Score for the corrected heuristics, 0 for plain MI).</summary>
        public double Baseline { get; }

        /// <summary>Distinct non-missing values (numeric columns: occupied bins unless treated as nominal); a HyperLogLog estimate when
        /// the column held more than <see cref="OutRankOptions.MaxExactCardinality"/>.</summary>
        public long Cardinality { get; }

        /// <summary>Share of rows where the value is missing (NaN, empty text, key 0).</summary>
        public double MissingFraction { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{Name}: score {Score:G4} (MI {MutualInformation:G4}, baseline {Baseline:G4}, cardinality {Cardinality}, missing {MissingFraction:P1})";
    }
}
