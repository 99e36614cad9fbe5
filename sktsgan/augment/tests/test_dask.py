"""A grid search of GAN settings on a real Dask cluster gives the serial results."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sktsgan import RCGANSampler
from sktsgan.augment import AugmentedClassifier, GANAugmenter
from sktsgan.datasets import make_waves
from sktsgan.preprocessing import SeriesSummary

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


def _limit_torch_threads():
    import torch

    torch.set_num_threads(1)
    return torch.get_num_threads()


@pytest.mark.slow
def test_grid_search_on_a_local_cluster_matches_the_serial_run():
    X, y = make_waves(24, n_timesteps=8, weights=(0.7, 0.3), random_state=0)
    model = AugmentedClassifier(
        make_pipeline(SeriesSummary(), LogisticRegression()),
        GANAugmenter(RCGANSampler(latent_dim=2, n_epochs=2), random_state=0),
    )
    grid = {"augmenter__sampler__hidden_size": [2, 4], "augmenter__synthetic_ratio": [1.0]}
    # Ask for probabilities: accuracy alone would hide small differences between runs.
    search = GridSearchCV(model, grid, cv=2, scoring="neg_log_loss")
    serial = search.fit(X, y).cv_results_

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cluster's port and resource notices
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        # on a busy machine the second worker process can still be starting
        client.wait_for_workers(2, timeout=120)
        # one torch thread per worker process: the workers share the machine's cores
        assert set(client.run(_limit_torch_threads).values()) == {1}
        with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
            parallel = GridSearchCV(model, grid, cv=2, scoring="neg_log_loss", n_jobs=-1)
            parallel = parallel.fit(X, y).cv_results_
        workers = {task["worker"] for task in tasks.data}
        cluster_workers = set(client.scheduler_info()["workers"])
    finally:
        client.close()
        cluster.close()

    # the candidates were fitted in the cluster's worker processes; which of the two
    # takes which task is the scheduler's choice (on a busy machine one may take all)
    assert workers and workers <= cluster_workers
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_allclose(parallel[key], serial[key], rtol=1e-6)
    assert parallel["params"] == serial["params"]
