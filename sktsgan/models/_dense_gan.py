"""DenseGAN: a conditional GAN of multilayer perceptrons for tables and fixed-length vectors."""

from __future__ import annotations

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval

from ..base import BaseTabularSampler
from ..nn import DenseNetwork, RowGenerator, moment_loss, softmax_blocks, with_condition
from ._gan import LOSS_CONSTRAINTS
from ._rcgan import RCGANObjective, _GANLossMixin


class DenseGANNetworks(RowGenerator):
    """An MLP generator with a softmax per categorical block, and an MLP critic.

    Both see the one-hot class condition joined to their inputs, as in a CGAN (Mirza
    and Osindero, 2014). The critic sees the generator's softmax probabilities, which
    is what lets a Wasserstein GAN learn discrete values.
    """

    def __init__(self, n_features, n_classes, blocks, hidden_size, num_layers, latent_dim):
        super().__init__()
        self.blocks = tuple(blocks)
        self.latent_dim = latent_dim
        self.generator = DenseNetwork(
            latent_dim + n_classes, hidden_size, n_features, num_layers=num_layers
        )
        self.discriminator = DenseNetwork(
            n_features + n_classes, hidden_size, 1, num_layers=num_layers
        )

    def player_parameters(self):
        return {
            "discriminator": list(self.discriminator.named_parameters()),
            "generator": list(self.generator.named_parameters()),
        }

    def generate(self, n, condition=None):
        device = self.generator.layers[0].weight.device
        noise = torch.randn(n, self.latent_dim, device=device)
        return softmax_blocks(self.generator(with_condition(noise, condition)), self.blocks)

    def discriminate(self, x, condition=None):
        """One score per row, shape ``(batch, 1)``."""
        return self.discriminator(with_condition(x, condition))


class DenseGANObjective(RCGANObjective):
    """RCGAN's losses, one critic score per row instead of one per step."""

    def _fake(self, networks, real, mask, condition):
        return networks.generate(len(real), condition) * mask

    def _score_mask(self, mask):
        return mask.new_ones(len(mask), 1)

    def _moments(self, real, fake, mask, classes):
        # every encoded value as a step of one feature: its own masked mean and spread
        return moment_loss(real.unsqueeze(2), fake.unsqueeze(2), mask, classes)


class DenseGANSampler(_GANLossMixin, BaseTabularSampler):
    """Conditional GAN of multilayer perceptrons for tables with numeric and categorical columns.

    The generator maps a Gaussian noise vector (joined with the one-hot class, if any)
    through ``num_layers`` hidden layers to one encoded row: scaled numeric columns and
    one softmax block per categorical column. The critic (discriminator) sees rows and
    the class and scores each row. With ``loss="wgan-gp"`` (the default) it is a
    Wasserstein critic with gradient penalty (Gulrajani et al., 2017), updated
    ``n_critic`` times per generator update; it sees the generator's softmax
    probabilities against the real one-hot rows, which is what teaches the generator
    discrete values. ``loss="bce"`` is the original GAN loss.

    Read more in :ref:`tabular`.

    **Data.** A DataFrame's numeric columns keep their units and dtypes (integers come
    back rounded, within the training range if ``clip_to_bounds``); its ``category``,
    ``object``, ``bool`` and ``string`` columns (or those named in
    ``categorical_columns``) come back as levels seen in training, never others.
    Series are flattened into vectors of ``n_timesteps * n_features`` values; see
    :class:`~sktsgan.base.BaseTabularSampler`.

    Parameters
    ----------
    hidden_size : int, default=128
        Units per hidden layer of generator and critic.
    num_layers : int, default=2
        Hidden layers of each network.
    latent_dim : int, default=32
        Size of the generator's noise vector.
    loss : {"wgan-gp", "bce"}, default="wgan-gp"
        Wasserstein loss with gradient penalty, or binary cross-entropy.
    n_critic : int or "auto", default="auto"
        Critic updates per generator update; "auto" is 5 for "wgan-gp", 1 for "bce".
    gp_weight : float, default=10.0
        Weight of the gradient penalty (``loss="wgan-gp"`` only).
    moment_weight : float, default=1.0
        Weight of a moment loss added to the generator's: the L1 distance between the
        batch mean and standard deviation of every encoded value, real against
        generated (within each class). 0 turns it off.
    n_epochs : int, default=300
        Passes over the training data.
    batch_size : int or "auto", default="auto"
        Rows per batch; "auto" uses ``min(64, n_rows)``.
    lr : float, default=1e-3
        Adam learning rate of the generator.
    lr_discriminator : float, default=None
        Adam learning rate of the critic; None uses ``lr``.
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
        How a generated softmax block becomes a level: a draw with its probabilities,
        or the most probable level.
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
        The trained skorch net; ``engine_.module_`` holds generator and critic.
    history_ : skorch.History
        Per epoch: ``generator_loss``, ``discriminator_loss``, ``dur``.
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
    VAESampler : The fast, stable baseline on the same data.
    sktsgan.preprocessing.TabularEncoder : The encoding of mixed-type tables.

    References
    ----------
    .. [1] M. Mirza and S. Osindero. "Conditional generative adversarial nets".
       arXiv:1411.1784, 2014.
    .. [2] I. Gulrajani et al. "Improved training of Wasserstein GANs". NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sktsgan import DenseGANSampler
    >>> rng = np.random.RandomState(0)
    >>> table = pd.DataFrame({
    ...     "age": rng.randint(18, 80, size=60),
    ...     "income": rng.lognormal(10, 0.5, size=60),
    ...     "city": pd.Categorical(rng.choice(["Oslo", "Rome", "Lima"], size=60)),
    ... })
    >>> sampler = DenseGANSampler(hidden_size=16, n_epochs=2, random_state=0).fit(table)
    >>> fake = sampler.sample(4)
    >>> fake.dtypes.astype(str).tolist()
    ['int64', 'float64', 'category']
    >>> set(fake["city"]) <= {"Oslo", "Rome", "Lima"}
    True
    """

    _parameter_constraints: dict = {
        **BaseTabularSampler._parameter_constraints,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 0, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        **LOSS_CONSTRAINTS,
        "moment_weight": [Interval(Real, 0, None, closed="left")],
        "lr_discriminator": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        *,
        hidden_size=128,
        num_layers=2,
        latent_dim=32,
        loss="wgan-gp",
        n_critic="auto",
        gp_weight=10.0,
        moment_weight=1.0,
        n_epochs=300,
        batch_size="auto",
        lr=1e-3,
        lr_discriminator=None,
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
        self.loss = loss
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.moment_weight = moment_weight
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.lr_discriminator = lr_discriminator
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
            "module": DenseGANNetworks,
            "module__n_features": n_features,
            "module__n_classes": n_classes,
            "module__blocks": self.encoder_.output_blocks_,
            "module__hidden_size": self.hidden_size,
            "module__num_layers": self.num_layers,
            "module__latent_dim": self.latent_dim,
            **self._gan_loss_params(DenseGANObjective),
        }
