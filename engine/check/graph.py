"""Dependency order of derived facts: strongly connected components in topological order."""

from __future__ import annotations


def strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative. Components come out dependencies-first.

    `edges[a]` holds the nodes that `a` depends on; a component's dependencies precede it.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def transitive_closure(
    edges: dict[str, set[str]], budget: int | None = None
) -> dict[str, set[str]] | None:
    """For each node, every node reachable from it (edges must be acyclic or it still ends).

    None when the closure would hold more than `budget` pairs in all.
    """
    closure: dict[str, set[str]] = {}
    size = 0
    for start in edges:
        seen: set[str] = set()
        frontier = list(edges[start])
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            size += 1
            if budget is not None and size > budget:
                return None
            frontier.extend(edges.get(node, ()))
        closure[start] = seen
    return closure
