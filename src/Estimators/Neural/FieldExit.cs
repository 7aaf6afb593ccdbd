namespace MLExt.Neural
{
    /// <summary>
    /// A field's place in a group-lasso path (see <see cref="NeuralTrainerOptions.FieldGroupLassoPath"/>): the strength at which its
    /// weights reached zero, +∞ when it was still in at the end. Fields that leave later matter more.
    /// </summary>
    /// <param name="Field">The field's name (a numeric vector column's slot as "Column[slot]").</param>
    /// <param name="Strength">The group-lasso strength at which the field left.</param>
    public sealed record FieldExit(string Field, double Strength);
}
