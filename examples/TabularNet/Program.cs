using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;

// TabularNet on two real tables: the interest rate of a loan (regression, lending_club) and the digit in an 8x8 image
// (multiclass, digits). Both train straight from raw columns, save with the standard model zip and load in a fresh context.
var mlContext = new MLContext(seed: 1);
string data = Path.Combine(AppContext.BaseDirectory, "Data");

// Regression: lending_club's interest rate from the loan's other columns.
string loansPath = Path.Combine(data, "lending_club.csv");
string[] header = File.ReadLines(loansPath).First().Split(',').Select(n => n.Trim('"')).ToArray();
string[] categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
string[] numeric = header.Where(n => !categorical.Contains(n) && n != "Class" && n != "int_rate").ToArray();
IDataView loans = mlContext.Data.LoadFromTextFile(loansPath, header.Select((name, i) => new TextLoader.Column(name,
    categorical.Contains(name) || name == "Class" ? DataKind.String : DataKind.Single, i)).ToArray(), separatorChar: ',', hasHeader: true, allowQuoting: true);
var loanSplit = mlContext.Data.TrainTestSplit(loans, testFraction: 0.2, seed: 1);
var rate = mlContext.Regression.Trainers.TabularNet(new TabularNetTrainer.Options
{
    LabelColumnName = "int_rate",
    CategoricalColumnNames = categorical,
    NumericColumnNames = numeric,
});
using (TabularNetTransformer model = rate.Fit(loanSplit.TrainSet))
{
    var metrics = mlContext.Regression.Evaluate(model.Transform(loanSplit.TestSet), "int_rate");
    Console.WriteLine($"Interest rate: test RMSE {metrics.RootMeanSquaredError:F3} points, R² {metrics.RSquared:F3}");
    Console.WriteLine("Fields by weight: " + string.Join(", ", model.FieldNorms.OrderByDescending(p => p.Value).Take(5).Select(p => $"{p.Key} {p.Value:F2}")));
    mlContext.Model.Save(model, loanSplit.TrainSet.Schema, "rate-model.zip");
}
ITransformer loaded = mlContext.Model.Load("rate-model.zip", out _);
float first = loaded.Transform(loanSplit.TestSet).GetColumn<float>("Score").First();
Console.WriteLine($"Reloaded from rate-model.zip: the first test loan's predicted rate is {first:F2}%.");
(loaded as IDisposable)?.Dispose();

// Multiclass: the digit, from 64 pixels; the label becomes a key, the prediction goes back to the digit.
var columns = new[] { new TextLoader.Column("Pixels", DataKind.Single, 0, 63), new TextLoader.Column("Digit", DataKind.Single, 64) };
IDataView digits = mlContext.Data.LoadFromTextFile(Path.Combine(data, "digits.csv"), columns, separatorChar: ',');
var digitSplit = mlContext.Data.TrainTestSplit(digits, testFraction: 0.2, seed: 1);
var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Digit")
    .Append(mlContext.MulticlassClassification.Trainers.TabularNet("Label", categoricalColumnNames: null, numericColumnNames: new[] { "Pixels" }))
    .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"));
var digitModel = pipeline.Fit(digitSplit.TrainSet);
IDataView scored = digitModel.Transform(digitSplit.TestSet);
var accuracy = mlContext.MulticlassClassification.Evaluate(scored);
Console.WriteLine($"Digits: test accuracy {accuracy.MicroAccuracy:P1}; the first test image is read as {scored.GetColumn<float>("PredictedDigit").First()}.");
