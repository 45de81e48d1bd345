"""The built-in policies as data files: shipped in the package, refused whole when one is wrong."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from importlib.resources import files
from pathlib import Path

import pytest

from app.domain.policies.builtin import BUILTIN_POLICIES
from app.domain.policies.builtin import SPEC_POLICY_IDS as SPEC_IDS
from app.domain.policies.files import DATA, PolicyFilesError, load_policies

ROOT = Path(__file__).resolve().parents[2]


def copy_of_data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    for entry in DATA.iterdir():
        (directory / entry.name).write_bytes(entry.read_bytes())
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def refusal(directory: Path, required: tuple[str, ...] = SPEC_IDS) -> PolicyFilesError:
    with pytest.raises(PolicyFilesError) as refused:
        load_policies(directory, required=required)
    assert str(directory) in str(refused.value)
    return refused.value


class TestShipped:
    def test_importlib_resources_finds_one_file_per_policy(self) -> None:
        data = files("app.domain.policies") / "data"
        names = sorted(e.name for e in data.iterdir() if e.name.endswith(".toml"))
        assert names == sorted(f"{policy_id}.toml" for policy_id in SPEC_IDS)

    def test_the_package_data_globs_cover_every_file(self) -> None:
        # A non-editable install ships only what package-data names (checked by building a wheel
        # by hand: without the glob the wheel has no policies and the service cannot start).
        config = tomllib.loads((ROOT / "pyproject.toml").read_text())
        globs = config["tool"]["setuptools"]["package-data"]["app.domain.policies"]
        package = ROOT / "app" / "domain" / "policies"
        shipped = list((package / "data").iterdir())
        assert shipped
        for path in shipped:
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch(relative, glob) for glob in globs), relative

    def test_the_spec_policies_load_in_its_order(self) -> None:
        # The SPEC's order, hoc-2024 (the default) first: GET /v1/policies lists them so.
        assert SPEC_IDS == ("hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022")
        assert list(BUILTIN_POLICIES) == list(SPEC_IDS)
        assert load_policies(DATA, required=SPEC_IDS) == BUILTIN_POLICIES


class TestRefused:
    @pytest.mark.parametrize(
        ("file", "old", "new", "problem"),
        [
            pytest.param(
                "jjh-2020.toml",
                "contact_days = 2  # 6.3",
                "contact_day = 2  # 6.3",
                "stages[2].contact_day: unknown field",
                id="misspelt-stage-field",
            ),
            pytest.param(
                "hoc-2024.toml",
                "warning_days = 2",
                "warning_day = 2",
                "warning_day: unknown field",
                id="misspelt-policy-field",
            ),
            pytest.param(
                "hoc-2024.toml",
                "acknowledge_days = 5\n",
                "",
                "stages[0].acknowledge_days: missing",
                id="required-field-left-out",
            ),
            pytest.param(
                "tuntum-2017.toml",
                "response_days = 10\n",
                'response_days = "10"\n',
                "stages[1].response_days: Input should be a valid integer (found '10')",
                id="number-as-text",
            ),
            pytest.param(
                "tuntum-2017.toml",
                "acknowledge_days = 3\n",
                "acknowledge_days = true\n",
                "stages[1].acknowledge_days: Input should be a valid integer (found True)",
                id="bool-as-number",
            ),
            pytest.param(
                "policy-2022.toml",
                "response_days = 20\n",
                'response_days = "none"\n',
                "stages[1].response_days: Input should be a valid integer (found 'none')",
                id="none-where-a-number-is-required",
            ),
            pytest.param(
                "jliving-2018.toml",
                'response_from = "start"',
                'response_from = "receipt"',
                "stages[0].response_from: Input should be 'acknowledgement' or 'start'",
                id="unknown-enum-value",
            ),
            pytest.param(
                "jjh-2020.toml",
                '"insurance_claim",',
                '"insurance",',
                "exclusions[3]: Input should be",
                id="unknown-exclusion",
            ),
            pytest.param(
                "jliving-2018.toml",
                "number = 3",
                "number = 5",
                "policy jliving-2018: stages must be numbered consecutively from 0 or 1",
                id="post-init-check",
            ),
            pytest.param(
                "policy-2022.toml",
                "escalation_refusable = false\n",
                'escalation_refusable = false\nrefusal_reasons = ["we say so"]\n',
                "stages[0]: stage 1: refusal_reasons given but escalation is not refusable",
                id="post-init-check-of-a-stage",
            ),
            pytest.param(
                "hoc-2024.toml",
                'id = "hoc-2024"',
                'id = "hoc-2025"',
                "id 'hoc-2025' does not match the file name (<id>.toml)",
                id="id-is-not-the-file-name",
            ),
            pytest.param(
                "hoc-2024.toml",
                "version = 1",
                "version = 1979-05-27",
                "version: a date or time is no policy value",
                id="toml-date",
            ),
            pytest.param(
                "tuntum-2017.toml",
                "[[stages]]\nnumber = 0",
                "[[stages]\nnumber = 0",
                "not a TOML file",
                id="not-toml",
            ),
        ],
    )
    def test_a_broken_file_is_named_with_its_problem(
        self, tmp_path: Path, file: str, old: str, new: str, problem: str
    ) -> None:
        directory = copy_of_data(tmp_path)
        edit(directory / file, old, new)
        refused = refusal(directory)
        assert any(name == file and p.startswith(problem) for name, p in refused.problems), (
            refused.problems
        )
        assert f"  {file}: {problem}" in str(refused)

    def test_every_problem_of_every_file_at_once(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        edit(directory / "jjh-2020.toml", "version = 1", 'version = "1"')
        edit(directory / "jjh-2020.toml", "survey_days_after_closure", "survey_days")
        edit(directory / "tuntum-2017.toml", "overall_limit_days = 40", "overall_limit_days = 0")
        refused = refusal(directory)
        assert refused.problems == (
            ("jjh-2020.toml", "survey_days: unknown field"),
            ("jjh-2020.toml", "version: Input should be a valid integer (found '1')"),
            ("tuntum-2017.toml", "policy tuntum-2017: overall_limit_days must be positive"),
        )

    def test_a_missing_policy_is_refused(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        (directory / "jliving-2018.toml").unlink()
        assert refusal(directory).problems == (
            ("jliving-2018.toml", "missing: complaints may be pinned to it"),
        )

    def test_two_files_with_one_id(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        (directory / "code.toml").write_bytes((directory / "hoc-2024.toml").read_bytes())
        assert refusal(directory).problems == (
            ("code.toml", "id 'hoc-2024' does not match the file name (<id>.toml)"),
            ("hoc-2024.toml", "id 'hoc-2024' is also the id in code.toml"),
        )

    def test_an_empty_file_is_not_a_policy(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        (directory / "new-2026.toml").write_text("")
        problems = refusal(directory).problems
        assert ("new-2026.toml", "id: missing") in problems
        assert all(name == "new-2026.toml" for name, _ in problems)


class TestAdded:
    def test_a_new_file_is_a_new_policy_listed_after_the_spec_ones(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        text = (directory / "hoc-2024.toml").read_text().replace("hoc-2024", "aaa-2026", 1)
        (directory / "aaa-2026.toml").write_text(text)
        (directory / "notes.txt").write_text("not a policy: ignored")
        loaded = load_policies(directory, required=SPEC_IDS)
        assert list(loaded) == [*SPEC_IDS, "aaa-2026"]
        assert loaded["aaa-2026"].stages == loaded["hoc-2024"].stages

    def test_none_is_null_only_for_day_counts(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        edit(
            directory / "tuntum-2017.toml", "overall_limit_days = 40", 'overall_limit_days = "none"'
        )
        edit(
            directory / "tuntum-2017.toml",
            'source = "tuntum-customer-feedback-2017.txt"',
            'source = "none"',
        )
        tuntum = load_policies(directory)["tuntum-2017"]
        assert tuntum.overall_limit_days is None
        assert tuntum.source == "none"


# Points the loader at another directory, then starts the app or the command as in production.
START = """
import sys
from pathlib import Path

from app.domain.policies import files

files.DATA = Path(sys.argv[1])
if sys.argv[2] == "app":
    from app.main import create_app

    create_app()
else:
    from app.cli import main

    sys.argv[1:] = ["policies", "list"]
    main()
"""


def start(directory: Path, what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, our own script
        [sys.executable, "-c", START, str(directory), what],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


class TestStartUp:
    def test_the_app_and_the_command_start_with_intact_files(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        assert start(directory, "app").returncode == 0
        command = start(directory, "cli")
        assert command.returncode == 0, command.stderr
        assert "jliving-2018" in command.stdout

    @pytest.mark.parametrize("what", ["app", "cli"])
    def test_a_broken_file_stops_them_naming_it(self, tmp_path: Path, what: str) -> None:
        directory = copy_of_data(tmp_path)
        edit(directory / "jjh-2020.toml", "response_days = 15", "respond_days = 15")
        started = start(directory, what)
        assert started.returncode != 0
        assert f"PolicyFilesError: invalid policy files in {directory}:" in started.stderr
        assert "jjh-2020.toml: stages[2].respond_days: unknown field" in started.stderr
        assert "jjh-2020.toml: stages[2].response_days: missing" in started.stderr
