"""Valid example calls of the demo framework for the bad-input property tests
(``tests/core/test_bad_input_all.py``; the tables are described in :func:`landscapelab.testing.bad_input_spec`).
"""


def _draw(a=1.0):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, a])
    return fig


def _demo():
    from . import Demo

    return Demo(_draw, {"a": [1.0, 2.0]}, title="line", alt="a line")


ARGUMENTS = {
    "draw": lambda: _draw, "params": lambda: {"a": [1.0, 2.0]},
    "spec": lambda: _demo().static().spec, "positions": lambda: [1],
}

CALLS = {"Demo.frame": lambda: ((), {"a": 2.0}), "Demo.png": lambda: ((), {"a": 2.0}),
         "Demo.describe": lambda: ((), {"a": 2.0})}

INSTANCES = {"Demo": _demo, "static.StaticDemo": lambda: _demo().static()}

NOT_CALLED = {
    "Demo.live": "needs ipywidgets and a kernel front-end; takes no arguments",
    "Demo.show": "takes no arguments; tested through live and static",
    "static.StaticDemo": "built by Demo.static from a spec it computed itself",
}
