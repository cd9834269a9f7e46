"""Decision regions of narrow networks: Chapter 5 of Nguyen's thesis (Theorems 5.2.3 and 5.2.4).

The public names of the chapter, gathered from its modules:

* :mod:`.decision_regions_nets`: activations with inverses, class margins, the theorems' hypotheses;
* :mod:`.decision_regions_paths`: certificate paths (the proof of Theorem 5.2.3 as an algorithm) and their
  checks;
* :mod:`.decision_regions_exact`: exact components of a region of a piecewise-linear network on the plane;
* :mod:`.decision_regions_slab`: separating slabs, proved empty by linear programming;
* :mod:`.decision_regions_examples`: the thesis's exact counterexamples (5.2)-(5.5), width d + 1, bridges;
* :mod:`.decision_regions_grid`: pictures and grid component counts (with their window and resolution);
* :mod:`.decision_regions_train`: the data sets and the small trained classifiers.
"""

from .decision_regions_exact import ExactRegions, exact_components
from .decision_regions_examples import (EXAMPLES, Example, LiftExample, bridge_example, cubic_lift_example,
                                        low_rank_example, non_pyramidal_example, relu_example,
                                        wider_than_input_example)
from .decision_regions_grid import GridCount, class_image, grid_components
from .decision_regions_nets import (Conditions, inverse_activation, layers, leaky_relu, margins,
                                    negative_slope, predict, theorem_conditions)
from .decision_regions_paths import (CertificatePath, PathCheck, certificate_path, check_path, densify,
                                     polyline_margin)
from .decision_regions_slab import separates, slab_max_margin
from .decision_regions_train import (DATASETS, strips_data, train_classifier, trained_classifier,
                                     two_disks_data, xor_data)

__all__ = ["ExactRegions", "exact_components", "EXAMPLES", "Example", "LiftExample", "bridge_example",
           "cubic_lift_example", "low_rank_example", "non_pyramidal_example", "relu_example",
           "wider_than_input_example", "GridCount", "class_image", "grid_components", "Conditions",
           "inverse_activation", "layers", "leaky_relu", "margins", "negative_slope", "predict",
           "theorem_conditions", "CertificatePath", "PathCheck", "certificate_path", "check_path", "densify",
           "polyline_margin", "separates", "slab_max_margin", "DATASETS", "strips_data", "train_classifier",
           "trained_classifier", "two_disks_data", "xor_data"]
