"""The identity layer: raw identities -> people -> organisations at a date (DESIGN section 3).

Sits between the collectors (which store raw identities exactly as sources
report them) and the ``contributions`` view (which attributes every
contribution).  Modules:

* ``records`` -- what importers produce; ``importers`` picks the format of a file;
* ``stackalytics``, ``gitdm``, ``csvfile``, ``mailmap``, ``overrides`` -- one
  parser per format users already maintain (pure functions over files);
* ``merge`` -- union-find of identities into people, each merge explained;
* ``explain`` -- one person's report (CLI ``people show`` and the person page);
* ``cli`` -- ``healthdash people show|fix|changes`` and ``import-affiliations``.

Writing to the warehouse is :mod:`healthdash.warehouse.identity_load`
(``rebuild_people`` runs at the end of every collection and correction).
Precedence: overrides > person files in configured order > public mail
provider (Independent) > domain map (longest suffix, dated) > default.
"""
