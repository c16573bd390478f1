"""Raw-sample Wasserstein distance from scipy.stats.wasserstein_distance."""
import numpy as np
from scipy.stats import wasserstein_distance

from common import floats, write

rng = np.random.default_rng(11)
cases = []


def add(label, a, b):
    cases.append({"label": label, "a": floats(a), "b": floats(b), "distance": float(wasserstein_distance(a, b))})


add("textbook", [0, 1, 3], [5, 6, 8])
add("one value each", [2.5], [-1.0])
add("normal, unequal sizes", rng.normal(0, 1, 1500), rng.normal(0.3, 1.2, 900))
add("ties: rounded values", np.round(rng.normal(0, 2, 1200)), np.round(rng.normal(0.5, 2, 1700)))
add("integers, heavy ties", rng.integers(0, 5, 800), rng.integers(1, 6, 333))
add("identical", [1, 2, 2, 3], [3, 2, 2, 1])
add("lognormal vs exponential", rng.lognormal(0, 1, 1999), rng.exponential(1.6, 1001))
write("wasserstein", cases)
