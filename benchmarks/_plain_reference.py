"""Plain PyTorch implementations of the training steps, the yardstick for speed.py.

Written the way a careful user would write them from the papers and their code with
``nn.GRU``/``nn.LSTM``, without any of sktsgan's engineering: one forward pass per loss,
each network called once per input, a host sync for TimeGAN's discriminator threshold.
Shapes, losses and update order are the same as sktsgan's, so the ratio of the two speeds
measures the engineering alone. Not part of the package.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class PlainRecurrent(nn.Module):
    """A stacked GRU or LSTM and a linear read-out at every step."""

    def __init__(self, n_in, hidden, n_out, layers, cell="gru", sigmoid=True, bidirectional=False):
        super().__init__()
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn(n_in, hidden, layers, batch_first=True, bidirectional=bidirectional)
        self.out = nn.Linear(hidden * (2 if bidirectional else 1), n_out)
        self.sigmoid = sigmoid

    def forward(self, x):
        y = self.out(self.rnn(x)[0])
        return torch.sigmoid(y) if self.sigmoid else y


def _adam(*modules, lr=1e-3):
    return torch.optim.Adam([p for m in modules for p in m.parameters()], lr=lr)


class PlainTimeGAN:
    """TimeGAN as in the paper's code: five networks, five optimisers, three phases."""

    def __init__(self, n_features, hidden=24, layers=3, lr=1e-3, gamma=1.0, threshold=0.15):
        self.n_features = n_features
        self.embedder = PlainRecurrent(n_features, hidden, hidden, layers)
        self.recovery = PlainRecurrent(hidden, hidden, n_features, layers)
        self.generator = PlainRecurrent(n_features, hidden, hidden, layers)
        self.supervisor = PlainRecurrent(hidden, hidden, hidden, layers - 1)
        self.discriminator = PlainRecurrent(hidden, hidden, 1, layers, sigmoid=False)
        self.opt_autoencoder = _adam(self.embedder, self.recovery, lr=lr)
        self.opt_embedder = _adam(self.embedder, self.recovery, lr=lr)
        self.opt_supervisor = _adam(self.generator, self.supervisor, lr=lr)
        self.opt_generator = _adam(self.generator, self.supervisor, lr=lr)
        self.opt_discriminator = _adam(self.discriminator, lr=lr)
        self.gamma = gamma
        self.threshold = threshold

    def _reconstruction(self, x):
        h = self.embedder(x)
        return h, F.mse_loss(self.recovery(h), x)

    def _supervised(self, h):
        return F.mse_loss(self.supervisor(h)[:, :-1], h[:, 1:])

    def embedding_step(self, x):
        self.opt_autoencoder.zero_grad()
        _, loss = self._reconstruction(x)
        (10 * torch.sqrt(loss)).backward()
        self.opt_autoencoder.step()

    def supervised_step(self, x):
        self.opt_supervisor.zero_grad()
        loss = self._supervised(self.embedder(x).detach())
        loss.backward()
        self.opt_supervisor.step()

    def _moments(self, x, x_hat):
        mean = (x_hat.mean(0) - x.mean(0)).abs().mean()
        std = (x_hat.std(0, unbiased=False) - x.std(0, unbiased=False)).abs().mean()
        return mean + std

    def joint_step(self, x):
        """One generator, one embedder and one discriminator update."""
        z = torch.rand_like(x)
        ones = torch.ones(x.shape[0], x.shape[1], 1)
        zeros = torch.zeros_like(ones)

        self.opt_generator.zero_grad()
        h = self.embedder(x).detach()
        e_hat = self.generator(z)
        h_hat = self.supervisor(e_hat)
        x_hat = self.recovery(h_hat)
        loss = (
            F.binary_cross_entropy_with_logits(self.discriminator(h_hat), ones)
            + self.gamma * F.binary_cross_entropy_with_logits(self.discriminator(e_hat), ones)
            + 100 * torch.sqrt(self._supervised(h))
            + 100 * self._moments(x, x_hat)
        )
        loss.backward()
        self.opt_generator.step()

        self.opt_embedder.zero_grad()
        h, reconstruction = self._reconstruction(x)
        loss = 10 * torch.sqrt(reconstruction) + 0.1 * self._supervised(h)
        loss.backward()
        self.opt_embedder.step()

        self.opt_discriminator.zero_grad()
        with torch.no_grad():
            h = self.embedder(x)
            e_hat = self.generator(z)
            h_hat = self.supervisor(e_hat)
        loss = (
            F.binary_cross_entropy_with_logits(self.discriminator(h), ones)
            + F.binary_cross_entropy_with_logits(self.discriminator(h_hat), zeros)
            + self.gamma * F.binary_cross_entropy_with_logits(self.discriminator(e_hat), zeros)
        )
        if loss.item() > self.threshold:
            loss.backward()
            self.opt_discriminator.step()

    @torch.no_grad()
    def sample(self, n, n_timesteps):
        z = torch.rand(n, n_timesteps, self.n_features)
        return self.recovery(self.supervisor(self.generator(z)))


class _PlainStepGAN:
    """A generator against a per-step discriminator, both trained with binary cross-entropy.

    ``noise`` draws the latent series; ``_fake`` is the generator's output for the
    discriminator's update, cut from the generator's graph.
    """

    noise = staticmethod(torch.randn)

    def __init__(self, generator, discriminator, latent_dim, lr):
        self.latent_dim = latent_dim
        self.generator = generator
        self.discriminator = discriminator
        self.opt_generator = _adam(self.generator, lr=lr)
        self.opt_discriminator = _adam(self.discriminator, lr=lr)

    def _fake(self, z):
        return self.generator(z).detach()

    def step(self, x):
        """One discriminator and one generator update."""
        ones = torch.ones(x.shape[0], x.shape[1], 1)
        z = self.noise(x.shape[0], x.shape[1], self.latent_dim)
        self.opt_discriminator.zero_grad()
        fake = self._fake(z)
        loss = F.binary_cross_entropy_with_logits(
            self.discriminator(x), ones
        ) + F.binary_cross_entropy_with_logits(self.discriminator(fake), torch.zeros_like(ones))
        loss.backward()
        self.opt_discriminator.step()
        self.opt_generator.zero_grad()
        z = self.noise(x.shape[0], x.shape[1], self.latent_dim)
        loss = F.binary_cross_entropy_with_logits(self.discriminator(self.generator(z)), ones)
        loss.backward()
        self.opt_generator.step()


class PlainRCGAN(_PlainStepGAN):
    """RCGAN (Esteban et al. 2017): LSTM generator and per-step LSTM discriminator."""

    def __init__(self, n_features, hidden=24, layers=1, latent_dim=5, lr=1e-3):
        super().__init__(
            PlainRecurrent(latent_dim, hidden, n_features, layers, "lstm"),
            PlainRecurrent(n_features, hidden, 1, layers, "lstm", sigmoid=False),
            latent_dim,
            lr,
        )


class PlainCRNNGenerator(nn.Module):
    """C-RNN-GAN's generator: LSTM cells fed noise and their own previous output."""

    def __init__(self, n_features, hidden, layers, latent_dim):
        super().__init__()
        self.inp = nn.Linear(latent_dim + n_features, hidden)
        self.cells = nn.ModuleList(nn.LSTMCell(hidden, hidden) for _ in range(layers))
        self.out = nn.Linear(hidden, n_features)
        self.n_features = n_features

    def forward(self, z):
        n = z.shape[0]
        previous = torch.rand(n, self.n_features)
        states = [None] * len(self.cells)
        outputs = []
        for t in range(z.shape[1]):
            h = torch.relu(self.inp(torch.cat([z[:, t], previous], dim=1)))
            for i, cell in enumerate(self.cells):
                states[i] = cell(h, states[i])
                h = states[i][0]
            previous = self.out(h)
            outputs.append(previous)
        return torch.stack(outputs, dim=1)


class PlainCRNNGAN(_PlainStepGAN):
    """C-RNN-GAN (Mogren 2016): feedback generator, bidirectional per-step discriminator."""

    noise = staticmethod(torch.rand)

    def __init__(self, n_features, hidden=32, layers=2, latent_dim=5, lr=1e-3):
        super().__init__(
            PlainCRNNGenerator(n_features, hidden, layers, latent_dim),
            PlainRecurrent(
                n_features, hidden, 1, layers, "lstm", sigmoid=False, bidirectional=True
            ),
            latent_dim,
            lr,
        )

    def _fake(self, z):
        with torch.no_grad():
            return self.generator(z)
