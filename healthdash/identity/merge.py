"""Identities -> people: union-find over identity keys, with an explanation per merge.

Pure Python over small tables (tens of thousands of identities take well
under a second).  Nodes are identity keys: ``i:<identity_id>``,
``e:<email>``, ``a:<source>:<account_id>``, ``u:<source>:<username>``.  Edges
are the merge rules of DESIGN.md section 3:

* an identity and its case-folded email (so one email = one person);
* one account id, and one username on Gerrit / Launchpad / GitHub;
* links from files: aliases, Stackalytics users' emails and ids, gitdm
  logins, ``.mailmap`` entries (a named entry only moves identities with
  that commit name), overrides.

Never by display name alone.  A *split* key keeps only its own email edge and
override merges, so a wrong merge from any file can be undone.  Each identity's
``rule`` is the chain of edges from the person's root key to it, joined by
" > " (root first).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Iterable

from healthdash.identity.bots import DEFAULT_BOT_PATTERNS, matching_pattern

#: Sources whose usernames are account names (one username = one person).
USERNAME_SOURCES = {"gerrit", "launchpad", "github"}


@dataclass(frozen=True)
class Identity:
    identity_id: str
    source: str
    name: str | None = None
    email: str | None = None
    username: str | None = None
    account_id: str | None = None


@dataclass(frozen=True)
class LinkRow:
    origin: str
    a: str
    b: str
    name: str | None = None
    detail: str = ""


@dataclass
class People:
    identity_person: dict[str, tuple[str, str]] = field(default_factory=dict)   # id -> (person, rule)
    people: dict[str, tuple[str, bool]] = field(default_factory=dict)           # person -> (name, is_bot)
    bot_reasons: dict[str, str] = field(default_factory=dict)                   # person -> why a bot
    person_keys: dict[str, set[str]] = field(default_factory=dict)              # person -> every node key
    fallback_domains: dict[str, str] = field(default_factory=dict)              # person -> work domain


def _source_kind(source: str) -> str:
    return source.split(":", 1)[0].lower()


def identity_edges(identities: Iterable[Identity]) -> list[tuple[str, str, str, bool]]:
    """(node, node, why, is_own_email) edges every identity brings by itself."""
    edges = []
    for ident in identities:
        node = "i:" + ident.identity_id
        kind = _source_kind(ident.source)
        if ident.email and ident.email.strip():
            email = ident.email.strip().lower()
            edges.append((node, "e:" + email, f"email {email}", True))
        if ident.account_id not in (None, ""):
            edges.append((node, f"a:{kind}:{ident.account_id}", f"{kind} account id {ident.account_id}", False))
        if ident.username and kind in USERNAME_SOURCES:
            user = ident.username.strip().lower()
            edges.append((node, f"u:{kind}:{user}", f"{kind} username {user}", False))
    return edges


def link_edges(links: Iterable[LinkRow], identities: list[Identity]) -> list[tuple[str, str, str, str]]:
    """(node, node, why, origin) edges from files; named .mailmap entries hit matching identities."""
    by_email_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ident in identities:
        if ident.email and ident.name:
            by_email_name[(ident.email.strip().lower(), ident.name.strip().lower())].append(ident.identity_id)
    edges = []
    for link in links:
        if link.name:
            email = link.b[2:] if link.b.startswith("e:") else link.b
            for identity_id in by_email_name.get((email, link.name.strip().lower()), []):
                edges.append((link.a, "i:" + identity_id, link.detail or link.origin, link.origin))
        else:
            edges.append((link.a, link.b, link.detail or link.origin, link.origin))
    return edges


def build_people(identities: list[Identity], links: list[LinkRow], *, splits: Iterable[str] = (),
                 trusted_origins: Iterable[str] = (), bot_patterns: Iterable[str] = (),
                 bot_marks: dict[str, bool] | None = None, public_domains: Iterable[str] = (),
                 bot_mark_origins: dict[str, str] | None = None) -> People:
    """Merge identities into people; see the module docstring for the rules."""
    trusted = set(trusted_origins)
    split_nodes = _split_nodes(set(splits), identities)
    graph: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b, why, own in identity_edges(identities):
        if own or not ({a, b} & split_nodes):
            _connect(graph, a, b, why)
    for a, b, why, origin in link_edges(links, identities):
        if origin in trusted or not ({a, b} & split_nodes):
            _connect(graph, a, b, why)
    for ident in identities:
        graph.setdefault("i:" + ident.identity_id, [])
    people = _components(graph, {i.identity_id: i for i in identities}, list(bot_patterns), bot_marks or {},
                         bot_mark_origins or {})
    _fallback_domains(people, {i.identity_id: i for i in identities}, set(public_domains))
    return people


def _fallback_domains(people: People, by_id: dict[str, Identity], public: set[str]) -> None:
    """Each person's most used non-public email domain (for their identities without an email)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for identity_id, (person, _) in people.identity_person.items():
        email = (by_id[identity_id].email or "").strip().lower()
        domain = email.rsplit("@", 1)[-1] if "@" in email else ""
        if domain and not any(domain == p or domain.endswith("." + p) for p in public):
            counts[person][domain] += 1
    for person, domains in counts.items():
        people.fallback_domains[person] = sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _split_nodes(splits: set[str], identities: list[Identity]) -> set[str]:
    nodes = set(splits)
    for ident in identities:
        email = "e:" + ident.email.strip().lower() if ident.email else None
        if email in splits:
            nodes.add("i:" + ident.identity_id)
    return nodes


def _connect(graph, a: str, b: str, why: str) -> None:
    if a != b:
        graph[a].append((b, why))
        graph[b].append((a, why))


def _root(nodes: list[str]) -> str:
    for prefix in ("e:", "u:", "a:", "i:"):
        candidates = sorted(n for n in nodes if n.startswith(prefix))
        if candidates:
            return candidates[0]
    return sorted(nodes)[0]


def _person_id(root: str, nodes: list[str]) -> str:
    if root.startswith("e:"):
        return "email:" + root[2:]
    if root.startswith("u:"):
        return "user:" + root[2:]
    return "id:" + min(n[2:] for n in nodes if n.startswith("i:"))


def _components(graph, by_id: dict[str, Identity], patterns: list[str], marks: dict[str, bool],
                mark_origins: dict[str, str]) -> People:
    result, seen = People(), set()
    for start in sorted(graph):
        if start in seen:
            continue
        nodes = _collect(graph, start, seen)
        ids = [n[2:] for n in nodes if n.startswith("i:") and n[2:] in by_id]
        if not ids:
            continue
        root = _root(nodes)
        person = _person_id(root, nodes)
        rules = _explain(graph, root)
        for identity_id in ids:
            result.identity_person[identity_id] = (person, rules.get("i:" + identity_id) or "root identity")
        members = [by_id[i] for i in ids]
        reason = _bot_reason(members, nodes, patterns, marks, mark_origins)
        result.people[person] = (_display_name(members), reason is not None)
        if reason:
            result.bot_reasons[person] = reason
        result.person_keys[person] = set(nodes)
    return result


def _collect(graph, start: str, seen: set[str]) -> list[str]:
    stack, nodes = [start], []
    seen.add(start)
    while stack:
        node = stack.pop()
        nodes.append(node)
        for other, _ in graph[node]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return nodes


def _explain(graph, root: str) -> dict[str, str]:
    """Breadth-first from the root: each node's rule is the chain of edges back to the root."""
    rules, queue = {root: ""}, deque([root])
    while queue:
        node = queue.popleft()
        for other, why in sorted(graph[node], key=lambda e: (e[0].startswith("i:"), e[0])):
            if other not in rules:
                parent = rules[node]
                same = parent == why or parent.endswith(" > " + why)
                rules[other] = parent if same else (f"{parent} > {why}" if parent else why)
                queue.append(other)
    return rules


def _display_name(members: list[Identity]) -> str:
    names = Counter(m.name.strip() for m in members if m.name and m.name.strip())
    if names:
        return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for m in members:
        if m.email:
            return m.email.split("@")[0]
        if m.username:
            return m.username
    return members[0].identity_id


def _bot_reason(members: list[Identity], nodes: list[str], patterns: list[str],
                marks: dict[str, bool], mark_origins: dict[str, str]) -> str | None:
    """Why this person is a bot (a mark from a file, else the first matching pattern), or None."""
    for node in sorted(nodes):
        if node in marks:
            where = f" in {mark_origins[node]}" if node in mark_origins else ""
            return f"marked as a bot{where} for {node[2:]}" if marks[node] else None
    for m in members:
        found = matching_pattern((m.name, m.email, m.username), [*DEFAULT_BOT_PATTERNS, *patterns])
        if found:
            return found
    return None
