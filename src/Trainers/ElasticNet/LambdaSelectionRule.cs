namespace MLExt.Trainers
{
    /// <summary>How the cross-validated lambda is picked from the curve.</summary>
    public enum LambdaSelectionRule
    {
        /// <summary>The lambda with the smallest mean cross-validated error (glmnet's lambda.min).</summary>
        MinimumError,
        /// <summary>The largest lambda whose error is within one standard error of the minimum (glmnet's lambda.1se): a sparser model of about the same quality.</summary>
        OneStandardError,
    }
}
