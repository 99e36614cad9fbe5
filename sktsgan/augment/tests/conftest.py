import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


class CountingClassifier(ClassifierMixin, BaseEstimator):
    """Records how many rows it was fitted on and asked to predict."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_fit_ = len(X)
        self.model_ = LogisticRegression().fit(X, y)
        return self

    def predict(self, X):
        self.n_predict_ = len(X)
        return self.model_.predict(X)


@pytest.fixture
def counting_classifier():
    """A classifier that records the number of rows it sees in fit and predict."""
    return CountingClassifier()
