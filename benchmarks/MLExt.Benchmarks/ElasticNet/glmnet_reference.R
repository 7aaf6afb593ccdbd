# Reference fits with R glmnet for the elastic-net benchmark.
# Usage: Rscript glmnet_reference.R <folder> <rows> <features> <lambda-file>
# Reads x.bin (column-major doubles) and y.bin from <folder>; writes glmnet_results.txt there:
#   path_seconds <best of 3 full default paths>, path_length, lambda_max, then the coefficients
#   (intercept first) at the last lambda of the sequence in <lambda-file>, fitted with a tight threshold.
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]; n <- as.integer(args[2]); p <- as.integer(args[3])
suppressMessages(library(glmnet))
x <- matrix(readBin(file.path(folder, "x.bin"), "double", n * p, size = 8, endian = "little"), n, p)
y <- readBin(file.path(folder, "y.bin"), "double", n, size = 8, endian = "little")
lambdas <- scan(args[4], quiet = TRUE)

fit <- glmnet(x, y, family = "binomial", nlambda = 100)
times <- replicate(3, system.time(glmnet(x, y, family = "binomial", nlambda = 100))[["elapsed"]])
tight <- glmnet(x, y, family = "binomial", lambda = lambdas, thresh = 1e-14, maxit = 1e7)
coefs <- as.numeric(coef(tight, s = lambdas[length(lambdas)], exact = FALSE))

out <- file.path(folder, "glmnet_results.txt")
writeLines(c(sprintf("path_seconds %.6f", min(times)), sprintf("path_length %d", length(fit$lambda)),
             sprintf("lambda_max %.17g", fit$lambda[1]), sprintf("%.17g", coefs)), out)
