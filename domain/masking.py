"""ID number masking for people other than the viewer (DESIGN §1)."""

VISIBLE_PREFIX = 4
VISIBLE_SUFFIX = 4


def mask_id_number(id_number: str) -> str:
    """4115**********123X: the region prefix and the last four stay readable."""
    if len(id_number) <= VISIBLE_PREFIX + VISIBLE_SUFFIX:
        return "*" * len(id_number)
    hidden = len(id_number) - VISIBLE_PREFIX - VISIBLE_SUFFIX
    return id_number[:VISIBLE_PREFIX] + "*" * hidden + id_number[-VISIBLE_SUFFIX:]


def mask_name(name: str) -> str:
    """张* / 欧** : the first character stays, for a holder to recognise, not for a stranger to read."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
