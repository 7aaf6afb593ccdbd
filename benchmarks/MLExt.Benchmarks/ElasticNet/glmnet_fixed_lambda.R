# glmnet given one lambda, for the elastic-net benchmark's fixed-lambda table.
# Usage: Rscript glmnet_fixed_lambda.R <folder> <rows> <features> <lambda>
# Reads x.bin (column-major doubles) and y.bin from <folder>; writes glmnet_results.txt there:
#   first_seconds (the first call in this R process), best_seconds (best of 3 after it), then the intercept and coefficients.
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]; n <- as.integer(args[2]); p <- as.integer(args[3]); lambda <- as.double(args[4])
suppressMessages(library(glmnet))
x <- matrix(readBin(file.path(folder, "x.bin"), "double", n * p, size = 8, endian = "little"), n, p)
y <- readBin(file.path(folder, "y.bin"), "double", n, size = 8, endian = "little")
fit <- NULL
first <- system.time(fit <- glmnet(x, y, family = "binomial", lambda = lambda))[["elapsed"]]
best <- min(replicate(3, system.time(glmnet(x, y, family = "binomial", lambda = lambda))[["elapsed"]]))
writeLines(c(sprintf("first_seconds %.6f", first), sprintf("best_seconds %.6f", best), sprintf("%.17g", as.numeric(coef(fit)))),
           file.path(folder, "glmnet_results.txt"))
