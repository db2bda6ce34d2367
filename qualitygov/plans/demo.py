"""Demo loader for plans: imports the bundled seed plan (filled in by the plans import module)."""


def load() -> dict[str, int]:
    return {}
