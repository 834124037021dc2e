"""Generate docs/cli.md from the CLI itself: `python -m steward.cli_reference > docs/cli.md`.

A test compares the file with this output, so the reference cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

import typer.main

from steward.cli import app

HEADER = """# CLI reference

Generated from the CLI by `python -m steward.cli_reference > docs/cli.md`; a test checks that
this file matches the code. Exit codes of every command: `0` success, `1` failure while running,
`2` bad input or usage (nothing written).
"""


# Typer ships its own copy of click, so commands and parameters are duck-typed here.


def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        name = param.metavar or param.name.upper()
        text = f"- `{name}` (argument{'' if param.required else ', optional'})"
        return text + (f": {param.help}" if getattr(param, "help", None) else "")
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    text = f"- {names}"
    if param.help:
        text += f": {param.help}"
    if not param.is_flag and param.default not in (None, "", ()) and not param.required:
        text += f" (default: `{param.default}`)"
    return text


def _describe(cmd: Any, path: str, out: list[str]) -> None:
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            _describe(cmd.commands[name], f"{path} {name}", out)
        return
    ctx = cmd.context_class(cmd, info_name=path)
    usage = " ".join(cmd.collect_usage_pieces(ctx))
    out.append(f"## `{path}`\n")
    help_text = (cmd.help or "").strip().splitlines()
    if help_text:
        out.append(help_text[0] + "\n")
    out.append(f"```\n{path} {usage}\n```\n")
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        out.extend(_param_line(p) for p in params)
        out.append("")


def reference() -> str:
    """The Markdown reference of every `steward` command."""
    out = [HEADER]
    _describe(typer.main.get_command(app), "steward", out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
