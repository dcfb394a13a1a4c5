def unit_tree(units):
    """Nested ``(unit, children)`` pairs from a flat list, in one pass."""
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def branch(parent_id):
        return [(u, branch(u.pk)) for u in children.get(parent_id, [])]

    return branch(None)
