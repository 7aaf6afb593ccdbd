namespace MLExt.Data
{
    /// <summary>
    /// One row of Criteo's layout, as <see cref="ClickLogReaders.LoadCriteo"/> loads it and <see cref="CriteoLikeData"/> generates
    /// it: for <c>CreateEnumerable</c> and <c>PredictionEngine</c>.
    /// </summary>
    public sealed class CriteoRow
    {
#pragma warning disable CS1591 // The fields are the layout's own: I1..I13 integers (NaN when missing), C1..C26 hashed categories.
        public bool Label { get; set; }
        public float I1 { get; set; }
        public float I2 { get; set; }
        public float I3 { get; set; }
        public float I4 { get; set; }
        public float I5 { get; set; }
        public float I6 { get; set; }
        public float I7 { get; set; }
        public float I8 { get; set; }
        public float I9 { get; set; }
        public float I10 { get; set; }
        public float I11 { get; set; }
        public float I12 { get; set; }
        public float I13 { get; set; }
        public string C1 { get; set; }
        public string C2 { get; set; }
        public string C3 { get; set; }
        public string C4 { get; set; }
        public string C5 { get; set; }
        public string C6 { get; set; }
        public string C7 { get; set; }
        public string C8 { get; set; }
        public string C9 { get; set; }
        public string C10 { get; set; }
        public string C11 { get; set; }
        public string C12 { get; set; }
        public string C13 { get; set; }
        public string C14 { get; set; }
        public string C15 { get; set; }
        public string C16 { get; set; }
        public string C17 { get; set; }
        public string C18 { get; set; }
        public string C19 { get; set; }
        public string C20 { get; set; }
        public string C21 { get; set; }
        public string C22 { get; set; }
        public string C23 { get; set; }
        public string C24 { get; set; }
        public string C25 { get; set; }
        public string C26 { get; set; }
#pragma warning restore CS1591
    }
}
