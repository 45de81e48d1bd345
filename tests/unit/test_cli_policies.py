"""`redress policies`: the check a landlord runs on its policy, from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from app.cli import cli


def test_the_code_itself_passes() -> None:
    result = CliRunner().invoke(cli, ["policies", "check", "hoc-2024"])
    assert result.exit_code == 0, result.output
    assert "follows the Complaint Handling Code" in result.output


def test_a_divergent_policy_is_listed_and_fails() -> None:
    result = CliRunner().invoke(cli, ["policies", "check", "tuntum-2017"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "informal_stage" in result.output


def test_unknown_policy_and_listing() -> None:
    assert CliRunner().invoke(cli, ["policies", "check", "nope"]).exit_code == 2
    listed = CliRunner().invoke(cli, ["policies", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    assert "jliving-2018" in listed.output
