"""Demo feeds: placeholder replaced below."""


def load(stdout=None) -> dict[str, int]:
    return {}
