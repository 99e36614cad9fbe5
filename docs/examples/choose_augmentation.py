"""Let cross-validation decide whether, and how, to augment a small training set.

Synthetic series do not help every data set: on small real sets a GAN can lower a
classifier's accuracy where a cheap transform raises it (docs/benchmarks.md, "Small
labelled sets"). So do not pick one; put the choice in the grid and let scores on real
validation folds decide: no augmentation (``synthetic_ratio=0``), cheap transforms, and
a GAN, each at a few ratios. :class:`~sktsgan.augment.AugmentedClassifier` augments the
training folds only, so every candidate is scored on real series alone.

Run ``python docs/examples/choose_augmentation.py``: a search over 7 candidates, 3 folds,
on 40 training series of Trace (4 classes), about two minutes on one CPU core; it prints
each candidate's cross-validated accuracy, the choice, and the chosen model's accuracy
on Trace's real test split beside the same classifier trained on real data alone.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktsgan import RCGANSampler
from sktsgan.augment import AugmentedClassifier, GANAugmenter, JitterSampler, TimeWarpSampler
from sktsgan.datasets import load_trace
from sktsgan.preprocessing import SeriesFlattener


def search_space(gan):
    """The candidates: none, two cheap transforms and ``gan``, at two ratios each."""
    return [
        {"augmenter__synthetic_ratio": [0.0]},  # real data only
        {
            "augmenter__sampler": [TimeWarpSampler(), JitterSampler(), gan],
            "augmenter__synthetic_ratio": [0.5, 1.0],
        },
    ]


def small_trace(per_class, random_state):
    """``per_class`` training series of each Trace class, and the whole test split."""
    X_train, y_train, X_test, y_test = load_trace(split="all")
    X_train, X_test = X_train[:, ::5], X_test[:, ::5]  # 55 steps: seconds per GAN fit
    rng = np.random.RandomState(random_state)
    subset = np.concatenate(
        [rng.choice(np.flatnonzero(y_train == c), per_class, replace=False) for c in
         np.unique(y_train)]
    )  # fmt: skip
    return X_train[subset], y_train[subset], X_test, y_test


def main(n_epochs=200, per_class=10, random_state=0):
    X_small, y_small, X_test, y_test = small_trace(per_class, random_state)
    classifier = make_pipeline(SeriesFlattener(), StandardScaler(), LogisticRegression())
    model = AugmentedClassifier(classifier, GANAugmenter(random_state=random_state))
    gan = RCGANSampler(n_epochs=n_epochs, random_state=random_state)
    folds = StratifiedKFold(3, shuffle=True, random_state=random_state)
    search = GridSearchCV(model, search_space(gan), cv=folds).fit(X_small, y_small)

    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        sampler = params.get("augmenter__sampler")
        name = "none" if sampler is None else type(sampler).__name__
        print(f"{name:16s} ratio {params['augmenter__synthetic_ratio']:.1f}: {score:.3f}")
    chosen = search.best_params_.get("augmenter__sampler")
    print(f"chosen: {'none' if chosen is None else type(chosen).__name__}, ratio "
          f"{search.best_params_['augmenter__synthetic_ratio']}")  # fmt: skip
    real_only = classifier.fit(X_small, y_small).score(X_test, y_test)
    chosen_score = search.score(X_test, y_test)
    print(f"test accuracy: chosen {chosen_score:.3f}, real data alone {real_only:.3f}")
    return search, chosen_score, real_only


if __name__ == "__main__":
    main()
