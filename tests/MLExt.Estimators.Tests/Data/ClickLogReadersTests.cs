using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;

namespace MLExt.Estimators.Tests.Data
{
    [TestClass]
    public class ClickLogReadersTests
    {
        [TestMethod]
        public void ReadsTheCriteoLayoutWithMissingValues()
        {
            string path = Path.GetTempFileName();
            try
            {
                // Two rows in Criteo's layout: label, 13 integers, 26 hashed categories; empty fields are missing.
                string Row(string label, string firstInteger, string firstCategory)
                    => string.Join('\t', new[] { label, firstInteger }.Concat(Enumerable.Range(2, 12).Select(i => i.ToString()))
                        .Append(firstCategory).Concat(Enumerable.Range(2, 25).Select(i => $"{i:x8}")));
                File.WriteAllLines(path, new[] { Row("1", "5", "68fd1e64"), Row("0", "", "") });
                var mlContext = new MLContext();
                IDataView data = ClickLogReaders.LoadCriteo(mlContext, path);
                Assert.AreEqual(1 + 13 + 26, data.Schema.Count);
                Assert.AreEqual(BooleanDataViewType.Instance, data.Schema["Label"].Type);
                CollectionAssert.AreEqual(new[] { true, false }, data.GetColumn<bool>("Label").ToArray());
                float[] first = data.GetColumn<float>("I1").ToArray();
                Assert.AreEqual(5f, first[0]);
                Assert.IsTrue(float.IsNaN(first[1]), "an empty integer field is missing");
                CollectionAssert.AreEqual(new[] { "68fd1e64", "" }, data.GetColumn<string>("C1").ToArray());
                Assert.AreEqual(13f, data.GetColumn<float>("I13").First(), "I2..I13 hold 2..13");
                Assert.AreEqual($"{26:x8}", data.GetColumn<string>("C26").First());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void ReadsTheAvazuLayout()
        {
            string path = Path.GetTempFileName();
            try
            {
                string header = "id,click," + string.Join(",", ClickLogReaders.AvazuCategoricalColumns);
                File.WriteAllLines(path, new[]
                {
                    header,
                    "1000009418151094273,0,14102100,1005,0,1fbe01fe,f3845767,28905ebd,ecad2386,7801e8d9,07d7df22,a99f214a,ddd2926e,44956a24,1,2,15706,320,50,1722,0,35,-1,79",
                });
                IDataView data = ClickLogReaders.LoadAvazu(new MLContext(), path);
                Assert.AreEqual(2 + ClickLogReaders.AvazuCategoricalColumns.Count, data.Schema.Count);
                Assert.IsFalse(data.GetColumn<bool>("Label").Single());
                Assert.AreEqual("14102100", data.GetColumn<string>("hour").Single());
                Assert.AreEqual("79", data.GetColumn<string>("C21").Single());
                Assert.Throws<FileNotFoundException>(() => ClickLogReaders.LoadAvazu(new MLContext(), path + ".missing"));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
