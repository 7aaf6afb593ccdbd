using System;
using System.Collections.Generic;
using System.Linq;

namespace MLExt.Testing
{
    /// <summary>
    /// Click rows with a planted truth in values, for feature-value selection: Signal's values s0, s1 and s2 move the click odds
    /// strongly and s3..s9 not at all; Noise's 40 values and the numeric Junk never do; the numeric Amount does, linearly.
    /// </summary>
    public static class PlantedClicks
    {
        public sealed class Row
        {
            public bool Label { get; set; }
            public string Signal { get; set; }
            public string Noise { get; set; }
            public float Amount { get; set; }
            public float Junk { get; set; }
        }

        /// <summary>The Signal values that carry an effect.</summary>
        public static readonly string[] EffectiveSignals = { "s0", "s1", "s2" };

        public static List<Row> Rows(int count, int seed)
        {
            var random = new Random(seed);
            double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Enumerable.Range(0, count).Select(_ =>
            {
                int signal = random.Next(10);
                double amount = Gaussian();
                double logit = -0.3 + (signal == 0 || signal == 2 ? 2 : signal == 1 ? -2 : 0) + amount;
                return new Row
                {
                    Signal = "s" + signal,
                    Noise = "n" + random.Next(40),
                    Amount = (float)amount,
                    Junk = (float)Gaussian(),
                    Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
                };
            }).ToList();
        }
    }
}
