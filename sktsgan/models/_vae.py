"""VAESampler: a conditional variational autoencoder of multilayer perceptrons."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..base import BaseTabularSampler
from ..nn import (
    DenseNetwork,
    RowGenerator,
    TrainingPhase,
    gaussian_kl,
    softmax_blocks,
    tabular_reconstruction_loss,
    with_condition,
)
from ..utils._torch import pinned_threads

# decoder noise scale per numeric value, as a log; bounded below so that the
# likelihood of a column the decoder fits exactly cannot grow without limit
_LOG_SIGMA_RANGE = (math.log(1e-2), 0.0)


class VAENetworks(RowGenerator):
    """Encoder ``q(z | x)`` and conditional decoder ``p(x | z, class)``.

    The encoder does not see the class, so that :meth:`VAESampler.transform` needs no
    labels; the decoder does, so that sampling can ask for a class. Numeric outputs are
    Gaussian means with a learned standard deviation per column; each categorical block
    gives logits over its levels.

    ``generate`` draws latent codes from the buffers ``latent_mean`` and ``latent_std``,
    one row per class (one row in all without classes): ``N(0, 1)`` until
    :meth:`VAESampler.fit` sets them to the training posteriors' spread.
    """

    def __init__(self, n_features, n_classes, blocks, hidden_size, num_layers, latent_dim):
        super().__init__()
        self.blocks = tuple(blocks)
        self.latent_dim = latent_dim
        self.encoder = DenseNetwork(n_features, hidden_size, 2 * latent_dim, num_layers=num_layers)
        self.decoder = DenseNetwork(
            latent_dim + n_classes, hidden_size, n_features, num_layers=num_layers
        )
        self.log_sigma = nn.Parameter(torch.full((n_features,), math.log(0.1)))
        numeric = torch.cat(
            [torch.full((width,), float(kind == "numeric")) for kind, width in self.blocks]
        )
        self.register_buffer("numeric", numeric)
        self.register_buffer("latent_mean", torch.zeros(max(n_classes, 1), latent_dim))
        self.register_buffer("latent_std", torch.ones(max(n_classes, 1), latent_dim))

    def player_parameters(self):
        return {"vae": list(self.named_parameters())}

    def encode(self, x):
        """Posterior mean and log-variance, each ``(batch, latent_dim)``."""
        mean, log_var = self.encoder(x).chunk(2, dim=1)
        return mean, log_var.clamp(-10.0, 10.0)

    def decode(self, z, condition=None):
        """Numeric means and categorical logits, ``(batch, n_features)``."""
        return self.decoder(with_condition(z, condition))

    def sigma_log(self):
        return self.log_sigma.clamp(*_LOG_SIGMA_RANGE)

    def generate(self, n, condition=None):
        z = torch.randn(n, self.latent_dim, device=self.log_sigma.device)
        if condition is None:
            z = self.latent_mean[0] + self.latent_std[0] * z
        else:
            z = condition @ self.latent_mean + (condition @ self.latent_std) * z
        outputs = self.decode(z, condition)
        noise = torch.randn_like(outputs) * self.sigma_log().exp() * self.numeric
        probabilities = softmax_blocks(outputs, self.blocks)
        return probabilities + noise


class VAEObjective(nn.Module):
    """Negative ELBO: reconstruction likelihood plus ``kl_weight`` times the KL term."""

    def __init__(self, kl_weight=1.0):
        super().__init__()
        self.kl_weight = kl_weight

    def forward(self, networks, batch, player):
        x, mask = batch["x"], batch["mask"]
        mean, log_var = networks.encode(x)
        z = mean + (0.5 * log_var).exp() * torch.randn_like(mean)  # reparametrisation
        outputs = networks.decode(z, batch.get("condition"))
        reconstruction = tabular_reconstruction_loss(
            x, outputs, networks.sigma_log(), networks.blocks, mask
        )
        kl = gaussian_kl(mean, log_var)
        return {
            "loss": reconstruction + self.kl_weight * kl,
            "reconstruction_loss": reconstruction,
            "kl_loss": kl,
        }


class VAESampler(TransformerMixin, BaseTabularSampler):
    """Conditional variational autoencoder for tables and fixed-length vectors.

    An MLP encoder maps each row to a Gaussian posterior over ``latent_dim`` latent
    variables; a sample of it (the reparametrisation trick) joined with the one-hot
    class goes through an MLP decoder back to the row (Kingma and Welling, 2014; Sohn
    et al., 2015). Training minimises the negative evidence lower bound: the rows'
    negative log-likelihood (Gaussian for numeric columns, with a learned spread per
    column; cross-entropy for each categorical column) plus ``kl_weight`` times the KL
    divergence of the posterior from the standard normal prior. It trains as the single
    player ``"vae"`` of the shared engine. Sampling decodes latent codes drawn from a
    Gaussian fitted, after training, to the posteriors of the training rows of the class
    asked for (of all rows, without classes), rather than from the prior: with one
    prior for every class, draws of a rare class came out as rows of the common one.

    It is the fast, stable baseline next to the GANs: no adversarial game, one update
    per batch. It also learns fixed-length series flattened to vectors (24 hourly
    prices of a day, say): pass them as a 3-D array.

    As a transformer, :meth:`transform` gives each row's posterior mean, shape
    ``(n_rows, latent_dim)``: latent features for a downstream model in a
    :class:`~sklearn.pipeline.Pipeline`. The encoder does not see the class label, so
    ``transform`` needs none.

    Read more in :ref:`tabular`.

    Parameters
    ----------
    hidden_size : int, default=128
        Units per hidden layer of encoder and decoder.
    num_layers : int, default=2
        Hidden layers of each network.
    latent_dim : int, default=8
        Latent variables.
    kl_weight : float, default=1.0
        Weight of the KL term (a beta-VAE for values other than 1).
    n_epochs : int, default=300
        Passes over the training data.
    batch_size : int or "auto", default="auto"
        Rows per batch; "auto" uses ``min(64, n_rows)``.
    lr : float, default=1e-3
        Adam learning rate.
    categorical_columns : list of str or int, default=None
        The categorical columns, by name (DataFrame) or position (2-D array); None
        reads every ``category``, ``object``, ``bool`` and ``string`` column as
        categorical and the others as numeric.
    max_categories : int, default=50
        Most levels a categorical column may have; more raises a ValueError.
    numeric_scaling : {"standard", "quantile"}, default="standard"
        How numeric columns are scaled for the networks; ``"quantile"`` maps each onto
        a normal through its empirical quantiles (robust to skew).
    clip_to_bounds : bool, default=True
        Keep sampled numeric values inside each column's training range.
    categorical_sampling : {"draw", "argmax"}, default="draw"
        How a decoded block becomes a level: a draw with its probabilities (the
        model's distribution), or the most probable level.
    {runtime_parameters}
    {reliability_parameters}
    id_column, time_column : str, default=None
        For a long DataFrame of series: the column naming each series and the one
        ordering its steps.

    Attributes
    ----------
    encoder_ : sktsgan.preprocessing.TabularEncoder
        The fitted encoding between the data and the networks.
    engine_ : sktsgan.nn.AdversarialNet
        The trained skorch net (one player, ``"vae"``); ``engine_.module_`` holds
        encoder and decoder.
    history_ : skorch.History
        Per epoch: ``vae_loss`` (the negative ELBO), ``reconstruction_loss``,
        ``kl_loss``, ``dur``.
    n_features_in_ : int
        Number of columns (features, for series).
    feature_names_in_ : ndarray of str
        Column names, for DataFrame input with string column names.
    n_timesteps_ : int
        1 for tables; the longest series' length for series.
    n_samples_fit_ : int
        Number of training rows (series).
    lengths_ : ndarray of shape (n_samples,)
        Training lengths.
    classes_ : ndarray
        Class labels, for a sampler fitted with ``y``.
    class_prior_ : ndarray
        Class frequencies in the training data.
    device_ : str
        The device the sampler was trained on.

    See Also
    --------
    DenseGANSampler : The adversarial model on the same data.
    sktsgan.preprocessing.TabularEncoder : The encoding of mixed-type tables.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling. "Auto-encoding variational Bayes". ICLR 2014.
    .. [2] K. Sohn, H. Lee and X. Yan. "Learning structured output representation using
       deep conditional generative models". NeurIPS 2015.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sktsgan import VAESampler
    >>> rng = np.random.RandomState(0)
    >>> table = pd.DataFrame({
    ...     "age": rng.randint(18, 80, size=60),
    ...     "smoker": rng.rand(60) < 0.3,
    ... })
    >>> y = np.where(table["age"] > 50, "old", "young")
    >>> sampler = VAESampler(hidden_size=16, n_epochs=3, random_state=0).fit(table, y)
    >>> fake, labels = sampler.sample(5, y="old")
    >>> fake.dtypes.astype(str).tolist(), labels.tolist()
    (['int64', 'bool'], ['old', 'old', 'old', 'old', 'old'])
    >>> sampler.transform(table).shape  # latent features
    (60, 8)
    """

    _parameter_constraints: dict = {
        **BaseTabularSampler._parameter_constraints,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 0, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "kl_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        hidden_size=128,
        num_layers=2,
        latent_dim=8,
        kl_weight=1.0,
        n_epochs=300,
        batch_size="auto",
        lr=1e-3,
        categorical_columns=None,
        max_categories=50,
        numeric_scaling="standard",
        clip_to_bounds=True,
        categorical_sampling="draw",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint_dir=None,
        checkpoint_every=1,
        warm_start=False,
        id_column=None,
        time_column=None,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.latent_dim = latent_dim
        self.kl_weight = kl_weight
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.categorical_columns = categorical_columns
        self.max_categories = max_categories
        self.numeric_scaling = numeric_scaling
        self.clip_to_bounds = clip_to_bounds
        self.categorical_sampling = categorical_sampling
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.warm_start = warm_start
        self.id_column = id_column
        self.time_column = time_column

    def _engine_params(self, n_features, n_classes):
        return {
            "module": VAENetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__blocks": self.encoder_.output_blocks_,
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim,
            "criterion": VAEObjective,
            "criterion__kl_weight": self.kl_weight,
            "lr": self.lr,
        }

    def _training_phases(self, n_batches):
        return [TrainingPhase("vae", (("vae", 1),), self.n_epochs)]

    def _after_training(self, tensors):
        """Fit the Gaussian that sampling draws latent codes from, per class.

        Its mean and variance are those of the aggregate posterior of the class's
        training rows (the mixture of their ``q(z | x)``), so that draws land where the
        decoder learnt that class. With the ``N(0, 1)`` prior of training the latent
        codes also carried the class, and draws of a rare class decoded into rows of
        the common one (mean KS 0.58 to the real rare rows, 0.25 to the common ones, on
        breast cancer with 15 malignant rows).
        """
        module = self.engine_.module_
        module.eval()
        with pinned_threads(), torch.inference_mode():
            mean, log_var = module.encode(tensors["x"])
        condition = tensors.get("condition")
        if condition is None:
            condition = torch.ones(len(mean), 1, device=mean.device)
        count = condition.sum(0)[:, None].clamp(min=1.0)
        centre = condition.t() @ mean / count
        second = condition.t() @ (log_var.exp() + mean**2) / count
        module.latent_mean.copy_(centre)
        module.latent_std.copy_((second - centre**2).clamp(min=1e-6).sqrt())

    def transform(self, X):
        """Latent features: the posterior mean of every row (series).

        Parameters
        ----------
        X : DataFrame, 2-D array or series
            Data in the format and with the columns seen in ``fit``; categorical levels
            unseen in ``fit`` are refused.

        Returns
        -------
        Z : ndarray of shape (n_rows, latent_dim)
            The encoder's mean of ``q(z | x)`` for each row.
        """
        check_is_fitted(self, "engine_")
        x = self._encode_rows(X)
        module = self.engine_.module_
        module.eval()
        with pinned_threads(), torch.inference_mode():  # the posterior mean: not random
            x = torch.as_tensor(x, dtype=torch.float32, device=self.engine_.device)
            mean, _ = module.encode(x)
        return mean.cpu().numpy().astype(np.float64)

    def get_feature_names_out(self, input_features=None):
        """Names of the latent features: ``vaesampler0``, ``vaesampler1``, ...

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        names : ndarray of str
            ``latent_dim`` names.
        """
        check_is_fitted(self, "engine_")
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self.latent_dim)], dtype=object)
