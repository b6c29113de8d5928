"""HCL escaping and formatting filters."""

from __future__ import annotations

import pytest

from generator.hcl import hcl_escape, hcl_key, hcl_list, hcl_list_ml, hcl_object, hcl_str, hcl_value


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ('say "hi"', 'say \\"hi\\"'),
        ("C:\\path", "C:\\\\path"),
        ("${var.secret}", "$${var.secret}"),
        ("%{ if true }x%{ endif }", "%%{ if true }x%%{ endif }"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("bell\x07", "bell\\u0007"),
        ("$ and % alone", "$ and % alone"),
        ("\\${x}", "\\\\$${x}"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert hcl_escape(raw) == escaped


def test_scalars_and_lists() -> None:
    assert hcl_str('a"b') == '"a\\"b"'
    assert hcl_value(None) == "null"
    assert hcl_value(True) == "true"
    assert hcl_value(30) == "30"
    assert hcl_list(["b", "a"]) == '["b", "a"]'
    assert hcl_list([]) == "[]"
    assert hcl_list_ml(["x"], 2) == '[\n    "x",\n  ]'
    assert hcl_list_ml([], 2) == "[]"


def test_object_keys_quoted_sorted_and_aligned() -> None:
    assert hcl_key("team") == "team"
    assert hcl_key("managed-by") == '"managed-by"'
    assert hcl_key("aws:tag") == '"aws:tag"'
    assert hcl_object({"team": "x", "managed-by": "y${z}"}, 4) == (
        '{\n      "managed-by" = "y$${z}"\n      team         = "x"\n    }'
    )
    assert hcl_object({}) == "{}"
