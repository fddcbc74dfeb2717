"""The environment of the processes running this checkout's plansite/ (plansite.child)."""

from __future__ import annotations

import os

import pytest

from helpers import REPO
from plansite.child import environment


@pytest.mark.parametrize(("given", "path"), [
    ({}, [str(REPO)]),
    ({"PYTHONPATH": ""}, [str(REPO)]),
    ({"PYTHONPATH": os.pathsep.join(["/a", "", "/b"])}, [str(REPO), "/a", "/b"]),
])
def test_this_checkout_comes_first_and_no_empty_entry_puts_the_working_directory_on_sys_path(given, path):
    env = environment({"HOME": "/home/x", **given})
    assert env["PYTHONPATH"].split(os.pathsep) == path
    assert env["HOME"] == "/home/x" and env["PYTHONDONTWRITEBYTECODE"] == "1"
