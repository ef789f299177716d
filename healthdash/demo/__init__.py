"""The demo community: ``healthdash demo`` builds it, the real collectors read it.

``community`` models the people and organisations, ``activity`` decides who
works when, ``git_history`` writes real git repositories, ``server`` serves
recorded-style API pages, and ``build`` runs the parts in :data:`PARTS` and
collects everything into the demo warehouse.  See :mod:`healthdash.demo.build`
for how to add a part.
"""

from healthdash.demo.build import PARTS, DemoContext, build
from healthdash.demo.community import Community, generate
from healthdash.demo.git_history import CommitRecord
from healthdash.demo.server import DemoServer

__all__ = ["PARTS", "CommitRecord", "Community", "DemoContext", "DemoServer", "build", "generate"]
