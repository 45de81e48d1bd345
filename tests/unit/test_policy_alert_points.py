"""A policy file's deadline alert points (`alert_days_before`): named, or the default from
`warning_days` and the due day; never repeated."""

from __future__ import annotations

from pathlib import Path

from app.domain.policies.builtin import SPEC_POLICY_IDS as SPEC_IDS
from app.domain.policies.files import load_policies
from tests.unit.test_policy_files import copy_of_data, edit, refusal


def test_a_file_may_name_its_alert_points_and_one_that_does_not_warns_at_warning_days(
    tmp_path: Path,
) -> None:
    directory = copy_of_data(tmp_path)
    edit(
        directory / "jjh-2020/v1.toml",
        "version = 1\n",
        "version = 1\nalert_days_before = [5, 1]\n",
    )
    loaded = load_policies(directory, required=SPEC_IDS)
    assert loaded.get("jjh-2020", 1).alert_days_before == (5, 1)
    assert loaded.get("hoc-2024", 1).alert_days_before == (2, 0)
    edit(
        directory / "jjh-2020/v1.toml",
        "alert_days_before = [5, 1]",
        "alert_days_before = [1, 1]",
    )
    assert "alert_days_before must not repeat" in str(refusal(directory))
