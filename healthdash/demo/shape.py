"""The demo community's fixed shape: organisations, teams with their mix of
organisations, repositories, release cycles and team sizes.

Read by :func:`healthdash.demo.community.generate`, which adds the seeded parts
(people, tenures, employer changes, addresses).  Changing a share here changes
the dashboard's concentration figures; the tests check the bounds the issue asks
for (one team near single-vendor, one diverse).
"""

from __future__ import annotations

from datetime import date

from healthdash.demo.model import INDEPENDENT, START_DATE, Org, Repo, Team

ORGS = [
    Org("Redwave Cloud", "redwave.example", ("us.redwave.example", "emea.redwave.example")),
    Org("Ironclad Storage", "ironclad.example"),
    Org("Bluepeak Networks", "bluepeak.example"),
    Org("Corvid Computing", "corvid.example"),
    Org("Helix Hosting", "helixhost.example"),
    Org("Quarry Data", "quarrydata.example"),
    Org("Tessellate Labs", "tessellate.example"),
    Org("Orchard Telecom", "orchardtel.example"),
    Org("Lumen Grid", "lumengrid.example"),
    Org("Kestrel Software", "kestrel.example"),
    Org("Polaris University", "polaris-university.example"),
    Org("Saffron Systems", "saffron.example"),
]

CYCLE_NAMES = [("2024.1", "Aster"), ("2024.2", "Birch"), ("2025.1", "Cedar"), ("2025.2", "Dogwood"),
               ("2026.1", "Elm"), ("2026.2", "Fir"), ("2027.1", "Gorse")]
CYCLE_STARTS = [date(2023, 10, 4), date(2024, 4, 3), date(2024, 10, 2), date(2025, 4, 2),
                date(2025, 10, 1), date(2026, 4, 1), date(2026, 9, 30), date(2027, 3, 31)]

_SWITCH = date(2025, 7, 1)   # when Compute's and Networking's mix of organisations shifts

TEAMS = [
    Team("Compute", "Virtual machines and the placement of workloads", ["nimbus", "placard"], [
        (START_DATE, {"Redwave Cloud": 0.40, "Corvid Computing": 0.20, "Helix Hosting": 0.12,
                      "Lumen Grid": 0.08, "Saffron Systems": 0.07, "Orchard Telecom": 0.05, INDEPENDENT: 0.08}),
        (_SWITCH, {"Redwave Cloud": 0.42, "Corvid Computing": 0.05, "Helix Hosting": 0.24,
                   "Lumen Grid": 0.09, "Saffron Systems": 0.07, "Orchard Telecom": 0.05, INDEPENDENT: 0.08}),
    ]),
    Team("Storage", "Block storage and images", ["strata", "glacier"], [
        (START_DATE, {"Ironclad Storage": 0.88, "Redwave Cloud": 0.05, "Quarry Data": 0.03, INDEPENDENT: 0.04}),
    ]),
    Team("Networking", "Software-defined networking", ["meshnet"], [
        (START_DATE, {"Bluepeak Networks": 0.56, "Orchard Telecom": 0.18, "Redwave Cloud": 0.12,
                      "Kestrel Software": 0.05, "Polaris University": 0.03, INDEPENDENT: 0.06}),
        (_SWITCH, {"Bluepeak Networks": 0.40, "Orchard Telecom": 0.22, "Redwave Cloud": 0.16,
                   "Kestrel Software": 0.08, "Polaris University": 0.06, INDEPENDENT: 0.08}),
    ]),
    Team("Shared libraries", "Libraries every service shares", ["common"], [
        (START_DATE, {"Redwave Cloud": 0.24, "Corvid Computing": 0.16, "Bluepeak Networks": 0.14,
                      "Helix Hosting": 0.11, "Tessellate Labs": 0.10, "Kestrel Software": 0.06,
                      "Polaris University": 0.05, INDEPENDENT: 0.14}),
    ]),
]

REPOS = [
    Repo("nimbus", "nimbus", "Compute", "nimbus", "service", 1300,
         components=("compute", "api", "scheduler", "virt", "db", "conductor")),
    Repo("python-nimbusclient", "nimbus", "Compute", "nimbusclient", "client", 260,
         components=("v2", "osc")),
    Repo("placard", "placard", "Compute", "placard", "service", 420, created=date(2024, 5, 15),
         components=("handlers", "objects", "db"), security_doc=None),
    Repo("strata", "strata", "Storage", "strata", "service", 900,
         components=("volume", "api", "backup", "db", "scheduler"), security_doc="doc/source/security.rst"),
    Repo("python-strataclient", "strata", "Storage", "strataclient", "client", 220, components=("v3",),
         security_doc=None),
    Repo("glacier", "glacier", "Storage", "glacier", "service", 380, components=("api", "store", "db"),
         constraints=None),
    Repo("meshnet", "meshnet", "Networking", "meshnet", "service", 950, signoff_required=True,
         components=("agent", "api", "plugins", "db", "services")),
    Repo("python-meshnetclient", "meshnet", "Networking", "meshnetclient", "client", 200,
         signoff_required=True, components=("v2",), constraints=None),
    Repo("meshnet-lib", "meshnet", "Networking", "meshnet_lib", "library", 300, created=date(2024, 2, 12),
         signoff_required=True, components=("api", "db"), constraints="lower-constraints.txt",
         security_doc="doc/source/security.rst"),
    Repo("common.config", "common", "Shared libraries", "common_config", "library", 380,
         common_library=True, components=("sources",)),
    Repo("common.log", "common", "Shared libraries", "common_log", "library", 260,
         common_library=True, components=("formatters",)),
    Repo("common.messaging", "common", "Shared libraries", "common_messaging", "library", 450,
         common_library=True, components=("rpc", "notify", "drivers")),
]

#: people per team (bots come on top)
TEAM_SIZES = {"Compute": 50, "Storage": 32, "Networking": 40, "Shared libraries": 44}

TIMEZONES = [0, 60, 60, 120, -300, -300, -240, -420, 330, 480, 540, 60, 0, -180, 120, 480]
ROLES = [("core", 0.12), ("regular", 0.26), ("occasional", 0.22), ("drive-by", 0.40)]
