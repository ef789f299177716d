"""healthdash: project-health metrics for open-source communities.

Data flows one way: sources -> ``collectors`` -> ``healthdash.warehouse`` ->
``healthdash.metrics`` -> ``healthdash.dashboard`` -> exports.
"""

__version__ = "0.1.0"
