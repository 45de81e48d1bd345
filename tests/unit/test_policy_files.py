"""The built-in policies as data files, one per version: shipped in the package, refused whole
when one is wrong."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from app.domain.policies.builtin import BUILTIN_POLICIES
from app.domain.policies.builtin import SPEC_POLICY_IDS as SPEC_IDS
from app.domain.policies.files import DATA, PolicyFilesError, load_policies

ROOT = Path(__file__).resolve().parents[2]


def copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir()
    for entry in source.iterdir():
        if entry.is_dir():
            copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def copy_of_data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    copy_tree(DATA, directory)
    return directory


def shipped_files(data: Traversable) -> list[str]:
    return sorted(
        f"{folder.name}/{entry.name}"
        for folder in data.iterdir()
        if folder.is_dir()
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


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
    def test_importlib_resources_finds_one_file_per_version(self) -> None:
        names = shipped_files(files("app.domain.policies") / "data")
        assert names == sorted(f"{p.id}/v{p.version}.toml" for p in BUILTIN_POLICIES.all())
        assert {f"{policy_id}/v1.toml" for policy_id in SPEC_IDS} <= set(names)

    def test_the_package_data_globs_cover_every_file(self) -> None:
        # A non-editable install ships only what package-data names (checked by building a wheel
        # by hand: without the glob the wheel has no policies and the service cannot start).
        # Path.glob, as setuptools' glob, keeps `*` within one folder (fnmatch would not).
        config = tomllib.loads((ROOT / "pyproject.toml").read_text())
        globs = config["tool"]["setuptools"]["package-data"]["app.domain.policies"]
        package = ROOT / "app" / "domain" / "policies"
        covered = {path for glob in globs for path in package.glob(glob)}
        shipped = [path for path in (package / "data").rglob("*") if path.is_file()]
        assert shipped
        for path in shipped:
            assert path in covered, path.relative_to(package).as_posix()

    def test_the_spec_policies_load_in_its_order(self) -> None:
        # The SPEC's order, hoc-2024 (the default) first: GET /v1/policies lists them so.
        assert SPEC_IDS == ("hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022")
        assert BUILTIN_POLICIES.ids == SPEC_IDS
        assert load_policies(DATA, required=SPEC_IDS).all() == BUILTIN_POLICIES.all()
        assert load_policies(required=SPEC_IDS).all() == BUILTIN_POLICIES.all()


class TestRefused:
    @pytest.mark.parametrize(
        ("file", "old", "new", "problem"),
        [
            pytest.param(
                "jjh-2020/v1.toml",
                "contact_days = 2  # 6.3",
                "contact_day = 2  # 6.3",
                "stages[2].contact_day: unknown field",
                id="misspelt-stage-field",
            ),
            pytest.param(
                "hoc-2024/v1.toml",
                "warning_days = 2",
                "warning_day = 2",
                "warning_day: unknown field",
                id="misspelt-policy-field",
            ),
            pytest.param(
                "hoc-2024/v1.toml",
                "acknowledge_days = 5\n",
                "",
                "stages[0].acknowledge_days: missing",
                id="required-field-left-out",
            ),
            pytest.param(
                "tuntum-2017/v1.toml",
                "response_days = 10\n",
                'response_days = "10"\n',
                "stages[1].response_days: Input should be a valid integer (found '10')",
                id="number-as-text",
            ),
            pytest.param(
                "tuntum-2017/v1.toml",
                "acknowledge_days = 3\n",
                "acknowledge_days = true\n",
                "stages[1].acknowledge_days: Input should be a valid integer (found True)",
                id="bool-as-number",
            ),
            pytest.param(
                "policy-2022/v1.toml",
                "response_days = 20\n",
                'response_days = "none"\n',
                "stages[1].response_days: Input should be a valid integer (found 'none')",
                id="none-where-a-number-is-required",
            ),
            pytest.param(
                "jliving-2018/v1.toml",
                'response_from = "start"',
                'response_from = "receipt"',
                "stages[0].response_from: Input should be 'acknowledgement' or 'start'",
                id="unknown-enum-value",
            ),
            pytest.param(
                "jjh-2020/v1.toml",
                '"insurance_claim",',
                '"insurance",',
                "exclusions[3]: Input should be",
                id="unknown-exclusion",
            ),
            pytest.param(
                "jliving-2018/v1.toml",
                "number = 3",
                "number = 5",
                "policy jliving-2018: stages must be numbered consecutively from 0 or 1",
                id="post-init-check",
            ),
            pytest.param(
                "policy-2022/v1.toml",
                "escalation_refusable = false\n",
                "escalation_refusable = false\n"
                'refusal_grounds = [{ code = "we_say_so", text = "we say so" }]\n',
                "stages[0]: stage 1: refusal_grounds given but escalation is not refusable",
                id="post-init-check-of-a-stage",
            ),
            pytest.param(
                "hoc-2024/v1.toml",
                'id = "hoc-2024"',
                'id = "hoc-2025"',
                "id 'hoc-2025' does not match its folder (<id>/v<N>.toml)",
                id="id-is-not-the-folder",
            ),
            pytest.param(
                "hoc-2024/v1.toml",
                "version = 1",
                "version = 2",
                "version 2 does not match the file name (<id>/v<N>.toml)",
                id="version-is-not-the-file-name",
            ),
            pytest.param(
                "hoc-2024/v1.toml",
                "version = 1",
                "version = 1979-05-27",
                "version: a date or time is no policy value",
                id="toml-date",
            ),
            pytest.param(
                "tuntum-2017/v1.toml",
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
        edit(directory / "jjh-2020/v1.toml", "version = 1", 'version = "1"')
        edit(directory / "jjh-2020/v1.toml", "survey_days_after_closure", "survey_days")
        edit(directory / "tuntum-2017/v1.toml", "overall_limit_days = 40", "overall_limit_days = 0")
        refused = refusal(directory)
        assert refused.problems == (
            ("jjh-2020/v1.toml", "survey_days: unknown field"),
            ("jjh-2020/v1.toml", "version: Input should be a valid integer (found '1')"),
            ("tuntum-2017/v1.toml", "policy tuntum-2017: overall_limit_days must be positive"),
        )

    @pytest.mark.parametrize("gone", ["jliving-2018/v1.toml", "jliving-2018"])
    def test_a_missing_policy_is_refused(self, tmp_path: Path, gone: str) -> None:
        directory = copy_of_data(tmp_path)
        if gone.endswith(".toml"):
            (directory / gone).unlink()
        else:
            (directory / gone / "v1.toml").unlink()
            (directory / gone).rmdir()
        assert refusal(directory).problems == (
            ("jliving-2018/v1.toml", "missing: complaints may be pinned to it"),
        )

    def test_a_copy_in_another_policys_folder(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        (directory / "code").mkdir()
        (directory / "code/v1.toml").write_bytes((directory / "hoc-2024/v1.toml").read_bytes())
        assert refusal(directory).problems == (
            ("code/v1.toml", "id 'hoc-2024' does not match its folder (<id>/v<N>.toml)"),
        )

    def test_a_new_version_that_still_says_the_old_one(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        copied = (directory / "hoc-2024/v1.toml").read_bytes()
        (directory / "hoc-2024/v2.toml").write_bytes(copied)
        assert refusal(directory).problems == (
            ("hoc-2024/v2.toml", "version 1 does not match the file name (<id>/v<N>.toml)"),
        )

    def test_a_gap_between_versions(self, tmp_path: Path) -> None:
        # v2 deleted (or never written) under a v3: complaints pinned to v2 would be stranded.
        directory = copy_of_data(tmp_path)
        edit(directory / "hoc-2024/v1.toml", "version = 1", "version = 3")
        (directory / "hoc-2024/v1.toml").rename(directory / "hoc-2024/v3.toml")
        assert refusal(directory).problems == (
            (
                "hoc-2024/v1.toml",
                "missing: versions run from v1 with no gap, and complaints may be pinned to it",
            ),
            (
                "hoc-2024/v2.toml",
                "missing: versions run from v1 with no gap, and complaints may be pinned to it",
            ),
        )

    @pytest.mark.parametrize(
        ("name", "problem"),
        [
            ("hoc-2024.toml", "not in a policy's folder: write it as <id>/v<N>.toml"),
            ("hoc-2024/v01.toml", "not a version's file name: write it as <id>/v<N>.toml"),
            ("hoc-2024/v0.toml", "not a version's file name: write it as <id>/v<N>.toml"),
            ("hoc-2024/latest.toml", "not a version's file name: write it as <id>/v<N>.toml"),
        ],
    )
    def test_a_file_outside_the_layout(self, tmp_path: Path, name: str, problem: str) -> None:
        # The old one-file-per-id layout included: such a file must not be skipped unread.
        directory = copy_of_data(tmp_path)
        (directory / name).write_bytes((directory / "hoc-2024/v1.toml").read_bytes())
        assert refusal(directory).problems == ((name, problem),)

    def test_an_empty_file_is_not_a_policy(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        (directory / "new-2026").mkdir()
        (directory / "new-2026/v1.toml").write_text("")
        problems = refusal(directory).problems
        assert ("new-2026/v1.toml", "id: missing") in problems
        assert all(name == "new-2026/v1.toml" for name, _ in problems)


class TestAdded:
    def test_a_new_folder_is_a_new_policy_listed_after_the_spec_ones(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        text = (directory / "hoc-2024/v1.toml").read_text().replace("hoc-2024", "aaa-2026", 1)
        (directory / "aaa-2026").mkdir()
        (directory / "aaa-2026/v1.toml").write_text(text)
        (directory / "notes.txt").write_text("not a policy: ignored")
        (directory / "aaa-2026/notes.txt").write_text("not a policy either")
        loaded = load_policies(directory, required=SPEC_IDS)
        assert loaded.ids == (*SPEC_IDS, "aaa-2026")
        assert loaded.get("aaa-2026", 1).stages == loaded.get("hoc-2024", 1).stages

    def test_versions_sit_side_by_side_in_number_order(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        v1 = (directory / "hoc-2024/v1.toml").read_text()
        for n in range(2, 11):
            text = v1.replace("version = 1", f"version = {n}", 1)
            (directory / f"hoc-2024/v{n}.toml").write_text(
                text.replace("warning_days = 2", f"warning_days = {n}", 1)
            )
        loaded = load_policies(directory, required=SPEC_IDS)
        # By number: v10 after v9, where sorting the names would put it after v1.
        assert [p.version for p in loaded.versions("hoc-2024")] == list(range(1, 11))
        assert loaded.get("hoc-2024", 1) == BUILTIN_POLICIES.get("hoc-2024", 1)
        latest = loaded.latest("hoc-2024")
        assert latest is not None
        assert (latest.version, latest.warning_days) == (10, 10)
        assert loaded.ids == SPEC_IDS

    def test_none_is_null_only_for_day_counts(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        edit(
            directory / "tuntum-2017/v1.toml",
            "overall_limit_days = 40",
            'overall_limit_days = "none"',
        )
        edit(
            directory / "tuntum-2017/v1.toml",
            'source = "tuntum-customer-feedback-2017.txt"',
            'source = "none"',
        )
        tuntum = load_policies(directory).get("tuntum-2017", 1)
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
        edit(directory / "jjh-2020/v1.toml", "response_days = 15", "respond_days = 15")
        started = start(directory, what)
        assert started.returncode != 0
        assert f"PolicyFilesError: invalid policy files in {directory}:" in started.stderr
        assert "jjh-2020/v1.toml: stages[2].respond_days: unknown field" in started.stderr
        assert "jjh-2020/v1.toml: stages[2].response_days: missing" in started.stderr

    def test_the_command_lists_every_version(self, tmp_path: Path) -> None:
        directory = copy_of_data(tmp_path)
        v1 = (directory / "hoc-2024/v1.toml").read_text()
        (directory / "hoc-2024/v2.toml").write_text(v1.replace("version = 1", "version = 2", 1))
        command = start(directory, "cli")
        assert command.returncode == 0, command.stderr
        rows = [line.split("│")[1:3] for line in command.stdout.splitlines() if "hoc-2024" in line]
        assert [[cell.strip() for cell in row] for row in rows] == [
            ["hoc-2024", "1"],
            ["hoc-2024", "2"],
        ]
