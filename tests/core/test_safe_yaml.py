"""core.safe_yaml: the one YAML reader refuses alias bombs, deep nesting, NUL and big files.

Pure module: no database. The billion-laughs text is the classic one (nine levels of ten
aliases each, ~1 KB): PyYAML's own safe_load would build 10^9 strings from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from steward.core import safe_yaml
from steward.core.safe_yaml import YamlRefused

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} ["
            + ",".join([f"*{chr(ord('a') + i - 1)}"] * 10)
            + "]"
            for i in range(1, 9)
        ),
        "",
    ]
)


def refusal(text: str) -> YamlRefused:
    with pytest.raises(YamlRefused) as info:
        safe_yaml.load(text)
    return info.value


def test_the_bomb_is_an_alias_bomb_for_pyyaml_itself() -> None:
    # The test text really is a bomb: its alias tree names 10^9 leaves (counted on the nodes,
    # not expanded), so the refusal below is what stops it.
    root = yaml.compose(BOMB, Loader=yaml.SafeLoader)

    counted: dict[int, int] = {}

    def leaves(node: yaml.Node) -> int:
        if isinstance(node, yaml.ScalarNode):
            return 1
        if id(node) not in counted:  # an alias is the same node object: count it once
            counted[id(node)] = sum(leaves(child) for child in node.value)
        return counted[id(node)]

    assert len(BOMB) < 1600
    assert leaves(root.value[-1][1]) == 10**9


def test_the_billion_laughs_is_refused_at_the_first_anchor() -> None:
    refused = refusal(BOMB)
    assert (refused.line, refused.column) == (1, 4)
    assert refused.message == "found an anchor (&a): anchors are not accepted"
    assert "anchors and aliases" in refused.hint


def test_aliases_and_anchors_are_refused_even_when_harmless() -> None:
    alias = refusal("x: 1\ny: *z\n")
    assert (alias.line, alias.column, alias.message) == (
        2,
        4,
        "found an alias (*z): aliases are not accepted",
    )
    merge = refusal("base: &b {k: 1}\nother:\n  <<: *b\n")
    assert merge.line == 1 and "anchor (&b)" in merge.message
    assert refusal("- &s plain\n").line == 1


def test_nul_is_refused_raw_and_escaped_with_its_line() -> None:
    raw = refusal("a: 1\nname: Ada\x00\n")
    assert (raw.line, raw.column, raw.message) == (2, 10, "contains a NUL character (\\0)")
    escaped = refusal('a: 1\nb: 2\nname: "Ada\\0"\n')
    assert (escaped.line, escaped.message) == (3, "contains a NUL character (\\0)")
    key = refusal('"k\\0": 1\n')
    assert key.line == 1


def test_other_control_characters_are_located() -> None:
    refused = refusal("a: 1\nb: x\x07y\n")
    assert (refused.line, refused.column) == (2, 5)
    assert "does not allow" in refused.message


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    assert safe_yaml.load("[" * safe_yaml.MAX_DEPTH + "]" * safe_yaml.MAX_DEPTH) is not None
    deep = refusal("[" * (safe_yaml.MAX_DEPTH + 1) + "]" * (safe_yaml.MAX_DEPTH + 1))
    assert deep.message == f"nested deeper than {safe_yaml.MAX_DEPTH} levels"
    with pytest.raises(YamlRefused):
        safe_yaml.compose("[" * 5000)


def test_syntax_errors_keep_their_location() -> None:
    refused = refusal("a: 1\n b: 2\n")
    assert refused.message.startswith("not valid YAML: ")
    assert refused.line == 2


def test_ordinary_documents_load_as_with_safe_load() -> None:
    text = "title: CTO\ntags: [a, b]\nwhen: 2026-01-02\nnested: {x: {y: [1, 2.5, true, null]}}\n"
    assert safe_yaml.load(text) == yaml.safe_load(text)
    assert list(safe_yaml.load_all("a: 1\n---\nb: 2\n")) == [{"a": 1}, {"b": 2}]
    assert safe_yaml.load("") is None
    node = safe_yaml.compose("k: {a: 1}\n")
    assert node is not None
    assert safe_yaml.construct(node.value[0][1]) == {"a": 1}


def test_load_all_refuses_a_bomb_in_a_later_document() -> None:
    with pytest.raises(YamlRefused):
        list(safe_yaml.load_all("a: 1\n---\n" + BOMB))


def test_files_over_the_limit_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(YamlRefused) as info:
        safe_yaml.read_text(path, limit=100)
    assert info.value.message == "is 204 bytes; the limit is 100 bytes"
    assert "STEWARD_YAML_MAX_BYTES" in info.value.hint
    assert safe_yaml.read_text(path, limit=204).startswith("a: x")


def test_the_limit_is_the_setting(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    assert safe_yaml.max_bytes() == 16 * 1024 * 1024  # the documented default
    settings.STEWARD_YAML_MAX_BYTES = 10
    path = tmp_path / "f.yaml"
    path.write_text("a: 12345678\n", encoding="utf-8")
    with pytest.raises(YamlRefused, match="the limit is 10 bytes"):
        safe_yaml.read_text(path)


def test_read_text_drops_a_bom_and_locates_bad_utf8(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert safe_yaml.read_text(path) == "a: 1\n"
    path.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(YamlRefused) as info:
        safe_yaml.read_text(path)
    assert (info.value.line, info.value.message) == (2, "is not valid UTF-8")


@pytest.mark.parametrize(
    ("text", "line", "column", "value"),
    [
        ("date: 2024-02-30\n", 1, 7, "'2024-02-30'"),
        ("a: 1\nat: 2024-01-01 25:00:00\n", 2, 5, "'2024-01-01 25:00:00'"),
        ("n: !!int 0x\n", 1, 4, "'0x'"),
        ("f: [!!float abc]\n", 1, 5, "'abc'"),
    ],
)
def test_values_yaml_resolves_but_cannot_build_are_located_refusals(
    text: str, line: int, column: int, value: str
) -> None:
    # PyYAML itself raises a bare ValueError here (no line): a traceback in an importer.
    with pytest.raises(ValueError) as bare:
        yaml.safe_load(text)
    assert not isinstance(bare.value, yaml.YAMLError)
    refused = refusal(text)
    assert (refused.line, refused.column) == (line, column)
    assert refused.message.startswith(f"cannot read the value {value}: ")
    assert refused.hint == "quote the value to keep it as text, or fix it"
    assert safe_yaml.load(f"quoted: {value}\n") == {"quoted": value.strip("'")}
