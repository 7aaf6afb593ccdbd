using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Sweeping;

namespace MLExt.Testing
{
    /// <summary>
    /// Checks that every point of an options class's declared search space trains: the two corners of the unit cube (every
    /// coordinate 0, every coordinate 1) and seeded random points, each applied to fresh options and fitted on tiny data.
    /// </summary>
    public static class SearchSpaceCheck
    {
        /// <summary>The corners, then <paramref name="randomPoints"/> uniform points from <paramref name="seed"/>.</summary>
        public static IEnumerable<double[]> Points(int dimension, int randomPoints, int seed)
        {
            yield return new double[dimension];
            yield return Enumerable.Repeat(1.0, dimension).ToArray();
            var random = new Random(seed);
            for (int i = 0; i < randomPoints; i++)
                yield return Enumerable.Range(0, dimension).Select(_ => random.NextDouble()).ToArray();
        }

        /// <summary>
        /// Fits each point with <paramref name="fit"/>; a point that throws fails the test, named with its values, after every
        /// point has been tried. <paramref name="fresh"/> gives options with the columns and anything the space leaves alone.
        /// </summary>
        /// <returns>How many points were fitted (the space must have at least one coordinate).</returns>
        public static int AssertEveryPointFits<TOptions>(Func<TOptions> fresh, Action<TOptions> fit, int randomPoints = 3, int seed = 1)
            where TOptions : class
        {
            var space = new OptionsSearchSpace<TOptions>();
            Assert.IsTrue(space.Dimension > 0, $"{typeof(TOptions).Name} declares no search space");
            var failures = new List<string>();
            int fitted = 0;
            foreach (double[] point in Points(space.Dimension, randomPoints, seed))
            {
                TOptions options = space.Apply(fresh(), point);
                try
                {
                    fit(options);
                    fitted++;
                }
                catch (Exception e) when (e is not AssertFailedException)
                {
                    string values = string.Join(", ", space.PropertyNames.Select(name =>
                        $"{name} = {Convert.ToString(typeof(TOptions).GetProperty(name).GetValue(options), CultureInfo.InvariantCulture)}"));
                    failures.Add($"{values}: {e.GetType().Name}: {e.Message}");
                }
            }
            Assert.AreEqual(0, failures.Count, $"{typeof(TOptions).Name}'s search space has points that do not train:\n" + string.Join("\n", failures));
            return fitted;
        }
    }
}
