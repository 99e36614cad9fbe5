"""A rolling forecast: give the model 42 real steps, forecast 10, move on 10, repeat.

Fit :class:`sktsgan.LSTMForecastGAN` on the first part of one long noisy sine, then
forecast the rest in blocks of ``horizon`` steps, each from the ``window`` real steps
before it, and draw the real series against the median forecast and its 10–90 % band.

Run ``python docs/examples/rolling_forecast.py`` (matplotlib needed): the fit takes about
a minute on one CPU core, and the picture is written to ``rolling_forecast.png``.
"""

import numpy as np

from sktsgan import LSTMForecastGAN


def rolling_forecast(series, model, window, horizon):
    """Quantile forecasts of every block of ``horizon`` steps after the first ``window``.

    Every forecast sees only real history, never an earlier forecast; the histories are
    stacked into one 3-D array, so all forecasts are made in one call. Returns the start
    of each history and the ``(low, median, high)`` forecasts, each ``(n, horizon, d)``.
    """
    starts = np.arange(0, len(series) - window - horizon + 1, horizon)
    histories = np.stack([series[s : s + window] for s in starts])  # (n, window, d)
    return starts, model.predict_quantiles(histories, (0.1, 0.5, 0.9))


def plot(series, starts, quantiles, window, horizon, path):
    import matplotlib.pyplot as plt

    low, median, high = (q[..., 0] for q in quantiles)
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.plot(np.arange(len(series)), series[:, 0], color="k", lw=1, label="real")
    for i, s in enumerate(starts):
        span = s + window + np.arange(horizon)
        ax.fill_between(span, low[i], high[i], color="C1", alpha=0.3, lw=0)
        ax.plot(span, median[i], color="C1", label="forecast median" if i == 0 else None)
    ax.fill_between([], [], [], color="C1", alpha=0.3, label="10–90 % band")
    ax.set_xlabel("time step (test part)")
    ax.legend(loc="upper right", ncols=3)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def main(n_epochs=30, path="rolling_forecast.png"):
    rng = np.random.RandomState(0)
    t = np.arange(1500.0)
    series = (np.sin(2 * np.pi * t / 24) + 0.2 * rng.randn(len(t)))[:, None]
    train, rest = series[:1200], series[1200:]

    window, horizon = 42, 10
    model = LSTMForecastGAN(window=window, horizon=horizon, n_epochs=n_epochs, random_state=0)
    model.fit(train[np.newaxis])  # one long series
    starts, quantiles = rolling_forecast(rest, model, window, horizon)
    futures = np.stack([rest[s + window : s + window + horizon] for s in starts])
    mae = float(np.mean(np.abs(quantiles[1] - futures)))
    inside = float(np.mean((quantiles[0] <= futures) & (futures <= quantiles[2])))
    print(f"{len(starts)} forecasts: MAE {mae:.3f}, 10–90 % band holds {inside:.0%} of steps")
    plot(rest, starts, quantiles, window, horizon, path)
    return mae, inside


if __name__ == "__main__":
    main()
