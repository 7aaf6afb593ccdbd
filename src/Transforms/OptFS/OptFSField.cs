namespace MLExt.Transforms
{
    /// <summary>
    /// What the OptFS search kept of one input field.
    /// </summary>
    /// <param name="Name">The field: a column, or a numeric vector column's slot as "Column[slot]".</param>
    /// <param name="Values">
    /// The values the search gated: a categorical field's vocabulary plus its out-of-vocabulary value (values unseen, rarer than
    /// the minimum count, or missing, which share one gate); a bucketed numeric field's buckets likewise; 1 for a standardized
    /// numeric field, gated as a whole.
    /// </param>
    /// <param name="KeptValues">How many of them the search kept; the transform turns the others into missing values.</param>
    public sealed record OptFSField(string Name, int Values, int KeptValues);
}
