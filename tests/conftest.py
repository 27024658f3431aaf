from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine.store import Store

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


@pytest.fixture
def cli_runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample_dir() -> Path:
    return DATA / "samples"
