"""Runs the QuickSelection authors' sparse denoising autoencoder (Sparse_DAE.py from zahraatashgahi/QuickSelection, with its
Cython sparseoperations module built) on one scaled training matrix and prints the input-neuron strengths it ranks on.

Usage: reference_quickselection.py REFERENCE_DIR ROWS.f32 ROW_COUNT FEATURE_COUNT SEED EPOCHS
ROWS.f32 holds the already scaled training rows as little-endian float32, row by row. The settings are the authors'
train_sparse_DAE.py ones (1000 hidden sigmoid units, linear output, epsilon 13, zeta 0.2, noise 0.2, weight decay 1e-5,
dropout 0.2, batch 100, learning rate 0.01, momentum 0.9). Output, one per line: "seconds_per_epoch S", then
"strengths" followed by one strength per feature (the row sums of |w1| of the encoder their fit saves)."""
import os
import sys
import tempfile
import time

import numpy as np

reference, rows_path, row_count, feature_count, seed, epochs = sys.argv[1:7]
sys.path.insert(0, reference)
from Sparse_DAE import Sparse_DAE  # noqa: E402  (the authors' module, found through the path above)
from other_classes import Sigmoid, Linear, MSE  # noqa: E402

x = np.fromfile(rows_path, dtype="<f4").astype(np.float64).reshape(int(row_count), int(feature_count))
np.random.seed(int(seed))
epochs = int(epochs)
with tempfile.TemporaryDirectory() as folder:
    save = os.path.join(folder, "run") + "/"
    os.makedirs(save)
    # The authors' fit prints per-epoch progress; keep it off stdout so that only the results go there.
    stdout = sys.stdout
    sys.stdout = sys.stderr
    network = Sparse_DAE((x.shape[1], 1000, x.shape[1]), (Sigmoid, Linear), epsilon=13)
    start = time.perf_counter()
    network.fit(x, np.zeros(x.shape[0]), None, None, loss=MSE, epochs=epochs, batch_size=100, learning_rate=0.01,
                momentum=0.9, weight_decay=0.00001, zeta=0.2, dropoutrate=0.2, testing=False, save_filename=save,
                noise_factor=0.2)
    seconds = time.perf_counter() - start
    sys.stdout = stdout
    import scipy.sparse
    w1 = scipy.sparse.load_npz(save + "w1.npz")
    strengths = np.asarray(abs(w1).sum(axis=1)).ravel()
print("seconds_per_epoch", seconds / epochs)
print("strengths", " ".join(repr(float(s)) for s in strengths))
