"""The worked example of the exchange format and the packaged copies of the shared files."""

from __future__ import annotations

import json

import jsonschema

from qualitygov.assessments.engine import assess, load_json

from .shared import FIXTURES, PACKAGED_SCHEMAS, shared_dir

SCHEMAS = ("assessment-scheme.schema.json", "assessment-units.schema.json")
EXAMPLES = ("example-scheme.json", "example-units.json", "example-expected.json")


def test_the_worked_example_reproduces_the_expected_result_exactly():
    result = assess(load_json(FIXTURES / "example-scheme.json"), load_json(FIXTURES / "example-units.json"))
    expected_text = (FIXTURES / "example-expected.json").read_text(encoding="utf-8")
    assert result == json.loads(expected_text)
    # Same keys in the same order, same string forms: the document as written, byte for byte.
    assert json.dumps(result, ensure_ascii=False, indent=1) == expected_text


def test_the_packaged_schemas_and_example_are_the_shared_originals():
    shared = shared_dir()
    for name in SCHEMAS:
        packaged = (PACKAGED_SCHEMAS / name).read_bytes()
        jsonschema.Draft202012Validator.check_schema(json.loads(packaged))
        if shared is not None:
            assert packaged == (shared / "schemas" / name).read_bytes(), name
    for name in EXAMPLES:
        if shared is not None:
            assert (FIXTURES / name).read_bytes() == (shared / "examples" / "assessment" / name).read_bytes(), name


def test_the_schemas_are_package_data():
    from importlib import resources

    files = resources.files("qualitygov.assessments.schemas")
    assert sorted(p.name for p in files.iterdir() if p.name.endswith(".json")) == sorted(SCHEMAS)


def test_the_engine_and_the_score_command_runner_import_no_django():
    import subprocess
    import sys

    code = ("import sys; import qualitygov.assessments.engine, qualitygov.assessments.score_cli; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=str(PACKAGED_SCHEMAS.parents[2]))
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
