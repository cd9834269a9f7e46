"""Claims of the Cooper chapter (``book/smoothness.ipynb``), third part: gradient descent.

The descent lemma and the safe (clipped) step, checked with autograd on ``sum_j cosh(a_j^T w)`` and in closed form
on ``cosh``; and whether the book's training runs come near the ray. Loaded after ``checks_beyond.py``, so these
rows close the chapter's table.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np

from .. import smoothness as sm
from ..checks import Result, claim

#: Place of the chapter in ``landscapelab verify`` (book order).
POSITION = 10


@claim("smoothness", "Descent lemma and safe step on L = sum_j cosh(a_j^T w) in R^4, (L0, L1) = "
                     "(||A||^2, ||A||^2 / s_min(A)): bounds hold at 200 points (autograd)",
       statements=("smoothness-lem-descent", "smoothness-cor-safe"))
def descent_lemma_autograd() -> Result:
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 4))
    s = np.linalg.svd(A, compute_uv=False)
    L0, L1 = s[0] ** 2, s[0] ** 2 / s[-1]      # ||H|| <= ||A||^2 max cosh <= L0 + L1 ||A^T sinh(Aw)||

    def loss(w):
        return anp.sum(anp.cosh(anp.dot(A, w)))

    grad, hess = autograd.grad(loss), autograd.hessian(loss)
    smooth = lemma = step = math.inf
    for scale in (0.1, 1.0, 3.0, 6.0):
        for _ in range(50):
            w = scale * rng.standard_normal(4)
            g = np.asarray(grad(w))
            u = float(np.linalg.norm(g))
            K = L0 + L1 * u
            smooth = min(smooth, K - float(np.abs(np.linalg.eigvalsh(np.asarray(hess(w)))).max()))
            d = rng.standard_normal(4)
            d *= rng.uniform(0.0, 1.0 / L1) / np.linalg.norm(d)
            a = L1 * float(np.linalg.norm(d))
            bound = K * float(d @ d) * (math.expm1(a) - a) / a**2           # the lemma, written out
            lemma = min(lemma, (bound - (loss(w + d) - loss(w) - g @ d)) / bound)
            drop = loss(w) - loss(w - sm.safe_step(u, L0, L1) * g)
            if u > 1e-6:
                step = min(step, drop / ((3 - math.e) * u * u / K))
    ok = smooth >= 0 and lemma >= 0 and step >= 1
    return Result(f"min (L0 + L1 |g| - ||H||) = {smooth:.3f}, min lemma slack {lemma:.3f}, "
                  f"min drop / (3 - e) |g|^2 / K = {step:.3f}", ">= 0, >= 0, >= 1", bool(ok))


@claim("smoothness", "Descent lemma: on cosh (L0 = L1 = 1) the safe step 1/(1 + |g|) lowers the loss by at "
                     "least (3 - e) g^2 / (1 + |g|), and fixed steps above 2 x0 / sinh x0 diverge",
       statements=("smoothness-lem-descent", "smoothness-cor-safe"))
def descent_lemma() -> Result:
    x = np.linspace(-12.0, 12.0, 2001)
    g = np.sinh(x)
    step = sm.safe_step(np.abs(g), 1.0, 1.0)
    drop = np.cosh(x) - np.cosh(x - step * g)                  # exact decrease of one safe step
    keep = np.abs(g) > 1e-3                                  # below, the decrease is lost in cosh's rounding
    ratio = float(np.min(drop[keep] / sm.guaranteed_decrease(np.abs(g[keep]), 1.0, 1.0)))
    race = sm.cosh_race(starts=(3.0, 6.0))
    ok = ratio >= 1 and bool(np.all(race["above"] == -1)) and bool(np.all(race["below"] > 0))
    ok &= bool(np.all(race["best_step"] <= race["threshold"]))
    return Result(f"min decrease / bound = {ratio:.4f}; x0 = 3, 6: best fixed steps "
                  f"{race['best_fixed'].tolist()}, safe steps {race['safe'].tolist()}",
                  ">= 1; 1.03 x threshold diverges, 0.97 x converges", ok)


@claim("smoothness", "The ray lies in the initial sublevel set of the book's training runs: "
                     "L(rho(t)) = sum ||y||^2 < L(w0), and gradient descent leaves D_0 far behind "
                     "(distance stays above 5)")
def training_stays_away() -> Result:
    net, X, Y, r = sm.training_problem()
    f = r.loss_function()
    on_ray = [float(f(r.point(t))) for t in (0.5, 5.0, 50.0)]
    initial = [float(f(net.init(seed=s))) for s in (0, 1)]
    run = sm.training_norms(5e-3, steps=200, records=4, seed=0)
    ok = (max(abs(v - float(np.sum(Y ** 2))) for v in on_ray) <= 1e-12 and max(on_ray) < min(initial)
          and float(run["distance"].min()) > 5.0 and run["loss"][-1] < run["loss"][0])
    return Result(f"L(ray) = {on_ray[0]:.4f}, L(w0) = {initial[0]:.4f}, {initial[1]:.4f}; distance to D_0 "
                  f"{run['distance'].min():.2f}..{run['distance'].max():.2f}",
                  f"sum ||y||^2 = {np.sum(Y ** 2):.4f} < L(w0); distance > 5", bool(ok))
