"""The README cannot drift from the code: configuration, the CLI, the layering, cited documents."""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
from pathlib import Path

import pandas as pd

from lib import cli, config
from lib.sample import SAMPLE_PATH

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VARIABLE = re.compile(r"TIERBOARD_[A-Z][A-Z0-9_]*")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def section(title: str) -> str:
    """The README's text under `title` (a `## ` or `### ` heading), up to the next heading."""
    start = README.index(f"{title}\n")
    rest = README[start + len(title) + 1 :]
    following = re.search(r"^#{2,3} ", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


def configuration_rows() -> list[tuple[str, str]]:
    """(key, variable) per row of the README's configuration table; key '' when env only."""
    rows = []
    for line in section("### Configuration").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and VARIABLE.fullmatch(cells[1].strip("`")):
            rows.append((cells[0].strip("`"), cells[1].strip("`")))
    return rows


def variables_read_by_the_app() -> set[str]:
    """Every TIERBOARD_* name the app's code spells out (string constants in lib/ and ui/),
    plus the variable of every configuration key."""
    names = {config.env_name(key) for key in config.KEYS}
    for path in [*ROOT.glob("lib/*.py"), *ROOT.glob("ui/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and VARIABLE.fullmatch(node.value):
                names.add(node.value)
    return names


def test_every_configuration_key_is_in_the_readme_table_and_every_row_is_a_key() -> None:
    keys = [key for key, _ in configuration_rows() if key]
    assert sorted(keys) == sorted(config.KEYS)
    for key, variable in configuration_rows():
        if key:
            assert variable == config.env_name(key), (key, variable)


def test_every_environment_variable_is_in_the_readme_table_and_every_row_is_read() -> None:
    documented = {variable for _, variable in configuration_rows()}
    assert documented == variables_read_by_the_app()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


def flags_of(command: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def test_every_cli_subcommand_and_flag_is_in_the_readme() -> None:
    text = section("## The `tierboard` command")
    for name, command in subcommands().items():
        assert f"tierboard {name}" in text, name
        missing = {flag for flag in flags_of(command) if flag not in FLAG.findall(text)}
        assert not missing, (name, missing)


def test_every_flag_the_readme_names_for_the_cli_exists() -> None:
    text = section("## The `tierboard` command")
    real = set().union(*(flags_of(command) for command in subcommands().values()))
    assert set(FLAG.findall(text)) <= real


def test_lib_never_imports_streamlit() -> None:
    """lib/ holds the rules and is used by the CLI and bench too: no Streamlit in it."""
    offenders = []
    for path in sorted(ROOT.glob("lib/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return listed.stdout.split()


def test_no_tracked_file_cites_a_document_that_is_not_in_the_repository() -> None:
    """A newcomer has the repository only: every Markdown document cited is in it."""
    files = tracked_files()
    present = {Path(name).name for name in files if name.endswith(".md")}
    cited = re.compile(r"(?<![\w/.-])([A-Za-z0-9_./-]+\.md)\b")
    missing = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".png", ".sqlite3"} or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for document in cited.findall(line):
                if "://" in line and document not in present:
                    continue  # a web address, not a document of ours
                if Path(document).name not in present:
                    missing.append(f"{name}:{number}: {document}")
    assert not missing


def test_the_readme_s_figures_of_the_bundled_sample_are_the_sample_s() -> None:
    revenue = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
    text = " ".join(README.split())  # the README wraps its lines anywhere
    whales = revenue.nlargest(4)
    assert f"{len(revenue):,} customers" in text
    assert f"${revenue.sum() / 1e6:.1f}M ARR" in text
    assert f"largest account is {revenue.max() / revenue.median():.0f}× its median" in text
    assert f"four whales (${whales.min() / 1e6:.1f}–{whales.max() / 1e6:.1f}M)" in text
    assert f"{(revenue == 0).sum()} free pilots at $0" in text
