using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace MLExt.Trainers.Tests.Ctr.SavedModels
{
    /// <summary>
    /// The rows the committed model fixtures were trained and scored on: every kind of field the featurizer saves (text, key,
    /// multi-valued text, numeric scalar and vector, a number with missing values). Changing this changes the fixtures' meaning.
    /// </summary>
    public sealed class FixtureRow
    {
        public bool Label { get; set; }
        public string Site { get; set; }
        public uint Device { get; set; }
        [VectorType] public string[] Tags { get; set; }
        public float Price { get; set; }
        [VectorType(2)] public float[] Scores { get; set; }

        public static List<FixtureRow> Generate(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                int site = random.Next(12);
                string[] tags = Enumerable.Range(0, random.Next(0, 4)).Select(_ => "t" + random.Next(6)).ToArray();
                float price = random.Next(8) == 0 ? float.NaN : (float)(random.NextDouble() * 50);
                float[] scores = { (float)random.NextDouble(), (float)random.NextDouble() };
                double logit = (site % 3 - 1) + (tags.Contains("t0") ? 1 : 0) + 2 * (scores[0] - 0.5);
                return new FixtureRow
                {
                    Site = "s" + site, Device = (uint)random.Next(1, 4), Tags = tags, Price = price, Scores = scores,
                    Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
                };
            }).ToList();
        }
    }
}
