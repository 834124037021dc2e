"""Which technologies a repository uses, from its manifests (plain Python, no Django).

`MANIFEST_KINDS` decides which files are manifests; `parse_manifest(path, text)` returns the
dependencies one declares (with versions where declared), plus the language it implies.
`matches(use_name, names)` maps a dependency to radar names and aliases.

Read (issue 11): pyproject.toml, requirements*.txt, package.json, go.mod, pom.xml,
build.gradle(.kts), Cargo.toml, Gemfile, Dockerfile base images, GitHub Actions `uses:`.
A manifest that cannot be parsed yields nothing and a note (detection is evidence, not an
import: one broken file does not stop the others).
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import PurePosixPath

import yaml
from packaging.requirements import InvalidRequirement, Requirement

SKIP_DIRS = frozenset({"node_modules", "vendor", ".venv", "venv", "third_party", "dist", "build"})


@dataclass(frozen=True)
class Dependency:
    """One declared dependency: its ecosystem, name as written, version (or constraint)."""

    ecosystem: str
    name: str
    version: str = ""


def manifest_kind(path: str) -> str | None:
    """Which parser reads `path`, or None when it is not a manifest."""
    p = PurePosixPath(path)
    if any(part in SKIP_DIRS for part in p.parts[:-1]):
        return None
    name = p.name
    if name == "pyproject.toml":
        return "pyproject"
    if re.fullmatch(r"requirements[\w.-]*\.txt", name):
        return "requirements"
    if name == "package.json":
        return "npm"
    if name == "go.mod":
        return "go"
    if name == "pom.xml":
        return "maven"
    if name in ("build.gradle", "build.gradle.kts"):
        return "gradle"
    if name == "Cargo.toml":
        return "cargo"
    if name == "Gemfile":
        return "gem"
    if name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile."):
        return "docker"
    if (
        len(p.parts) >= 3
        and p.parts[:2] == (".github", "workflows")
        and p.suffix
        in (
            ".yml",
            ".yaml",
        )
    ):
        return "actions"
    return None


def _pep508(spec: str) -> Dependency | None:
    spec = spec.split("#", 1)[0].strip()
    if not spec or spec.startswith(("-", "git+", "http:", "https:")):
        return None
    try:
        req = Requirement(spec)
    except InvalidRequirement:
        return None
    return Dependency("pypi", req.name, str(req.specifier))


def _pyproject(text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    found: list[Dependency] = []
    project = data.get("project") or {}
    specs = list(project.get("dependencies") or [])
    for group in (project.get("optional-dependencies") or {}).values():
        specs.extend(group)
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(s for s in group if isinstance(s, str))
    found.extend(d for d in map(_pep508, specs) if d)
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies") or {}, poetry.get("dev-dependencies") or {}]
    tables += [g.get("dependencies") or {} for g in (poetry.get("group") or {}).values()]
    for table in tables:
        for name, value in table.items():
            if name.lower() == "python":
                continue
            version = value if isinstance(value, str) else str(value.get("version", ""))
            found.append(Dependency("pypi", name, version))
    python = project.get("requires-python") or (poetry.get("dependencies") or {}).get("python")
    found.append(Dependency("language", "python", str(python or "")))
    return found


def _requirements(text: str) -> list[Dependency]:
    found = [d for d in map(_pep508, text.splitlines()) if d]
    return [*found, Dependency("language", "python")]


def _npm(text: str) -> list[Dependency]:
    data = json.loads(text)
    found = []
    for section in (
        "dependencies",
        "devDependencies",
        "peerDependencies",
        "optionalDependencies",
    ):
        for name, version in (data.get(section) or {}).items():
            found.append(Dependency("npm", name, str(version)))
    names = {d.name for d in found}
    language = "typescript" if "typescript" in names else "javascript"
    engine = str((data.get("engines") or {}).get("node", ""))
    return [*found, Dependency("language", language), Dependency("runtime", "node.js", engine)]


def _go(text: str) -> list[Dependency]:
    found = []
    block = False
    version = ""
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("go ") and not block:
            version = line.split()[1]
        if line.startswith("require ("):
            block = True
            continue
        if block and line == ")":
            block = False
            continue
        parts = line.split()
        if block and len(parts) >= 2:
            found.append(Dependency("go", parts[0], parts[1]))
        elif parts[:1] == ["require"] and len(parts) >= 3:
            found.append(Dependency("go", parts[1], parts[2]))
    return [*found, Dependency("language", "go", version)]


def _maven(text: str) -> list[Dependency]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("a pom.xml with a DOCTYPE or ENTITY is not read")
    root = ET.fromstring(text)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    found = []
    for dep in root.iter(f"{ns}dependency"):
        group = (dep.findtext(f"{ns}groupId") or "").strip()
        artifact = (dep.findtext(f"{ns}artifactId") or "").strip()
        version = (dep.findtext(f"{ns}version") or "").strip()
        if artifact:
            found.append(Dependency("maven", f"{group}:{artifact}", version))
    parent = root.find(f"{ns}parent")
    if parent is not None:
        artifact = (parent.findtext(f"{ns}artifactId") or "").strip()
        group = (parent.findtext(f"{ns}groupId") or "").strip()
        found.append(
            Dependency("maven", f"{group}:{artifact}", parent.findtext(f"{ns}version") or "")
        )
    return [*found, Dependency("language", "java")]


GRADLE_DEP = re.compile(
    r"""\b(?:implementation|api|compileOnly|runtimeOnly|testImplementation|kapt|"""
    r"""annotationProcessor|compile|testCompile)\s*\(?\s*["']([\w.\-]+):([\w.\-]+)(?::([^"']+))?["']"""
)
GRADLE_PLUGIN = re.compile(
    r"""\bid\s*\(?\s*["']([\w.\-]+)["']\s*\)?(?:\s*version\s*["']([^"']+)["'])?"""
)


def _gradle(text: str, kotlin: bool) -> list[Dependency]:
    found = [Dependency("maven", f"{g}:{a}", v or "") for g, a, v in GRADLE_DEP.findall(text)]
    found += [Dependency("gradle-plugin", p, v or "") for p, v in GRADLE_PLUGIN.findall(text)]
    language = "kotlin" if kotlin or "org.jetbrains.kotlin" in text else "java"
    return [*found, Dependency("language", language), Dependency("tool", "gradle")]


def _cargo(text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    found = []
    for section in ("dependencies", "dev-dependencies", "build-dependencies"):
        for name, value in (data.get(section) or {}).items():
            version = value if isinstance(value, str) else str(value.get("version", ""))
            found.append(Dependency("cargo", name, version))
    edition = str((data.get("package") or {}).get("edition", ""))
    return [*found, Dependency("language", "rust", edition)]


GEM = re.compile(r"""^\s*gem\s+["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?""", re.MULTILINE)
RUBY = re.compile(r"""^\s*ruby\s+["']([^"']+)["']""", re.MULTILINE)


def _gem(text: str) -> list[Dependency]:
    found = [Dependency("rubygems", name, version) for name, version in GEM.findall(text)]
    ruby = RUBY.search(text)
    return [*found, Dependency("language", "ruby", ruby.group(1) if ruby else "")]


def _docker(text: str) -> list[Dependency]:
    found = []
    stages: set[str] = set()
    for raw in text.splitlines():
        parts = raw.strip().split()
        if len(parts) < 2 or parts[0].upper() != "FROM":
            continue
        args = [p for p in parts[1:] if not p.startswith("--")]
        if not args:
            continue
        image = args[0]
        if len(args) >= 3 and args[1].upper() == "AS":
            stages.add(args[2].lower())
        if image.lower() in stages or image == "scratch" or "$" in image:
            continue
        image = image.split("@", 1)[0]
        name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
        found.append(Dependency("docker", name, tag))
    return found


def _actions(text: str) -> list[Dependency]:
    found = []
    for match in re.finditer(r"""^\s*-?\s*uses:\s*["']?([^\s"'#]+)""", text, re.MULTILINE):
        ref = match.group(1)
        if ref.startswith(("./", "docker://")):
            continue
        name, _, version = ref.partition("@")
        found.append(Dependency("github-actions", name, version))
    if found:
        found.append(Dependency("tool", "github actions"))
    return found


def parse_manifest(path: str, text: str) -> list[Dependency]:
    """The dependencies `path` declares (empty for a file that is not a manifest).

    Raises ValueError (or the parser's own error) for a manifest that cannot be read.
    """
    kind = manifest_kind(path)
    if kind is None:
        return []
    if kind == "actions":
        yaml.safe_load(text)  # a workflow that is not YAML is reported, not half-read
    parsers = {
        "pyproject": _pyproject,
        "requirements": _requirements,
        "npm": _npm,
        "go": _go,
        "maven": _maven,
        "gradle": lambda t: _gradle(t, path.endswith(".kts")),
        "cargo": _cargo,
        "gem": _gem,
        "docker": _docker,
        "actions": _actions,
    }
    return parsers[kind](text)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.\s]+", "-", name.strip().lower())


def candidate_names(ecosystem: str, name: str) -> set[str]:
    """The names a dependency may be known by on the radar (canonical form)."""
    names = {_canonical(name)}
    if ecosystem == "maven" and ":" in name:
        names.add(_canonical(name.split(":", 1)[1]))
    if ecosystem in ("docker", "github-actions", "go", "npm") and "/" in name:
        names.add(_canonical(name.rsplit("/", 1)[-1]))
    if ecosystem == "npm" and name.startswith("@"):
        names.add(_canonical(name.split("/", 1)[0][1:]))
    return names


def radar_names(name: str, key: str, aliases: list[str]) -> set[str]:
    """A technology's name, key and aliases in canonical form."""
    return {_canonical(n) for n in (name, key, *aliases) if n}


def matches(ecosystem: str, use_name: str, names: set[str]) -> bool:
    """Whether a dependency is one of a technology's names."""
    return bool(candidate_names(ecosystem, use_name) & names)
