"""What the build installs for eportctl: binary, man pages, bash completion — and that they work."""

import os
import shutil
import subprocess

import pytest

from eportctl_support import eportctl_path

SOURCE = os.environ.get("EPORT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.path.dirname(os.path.dirname(eportctl_path()))
COMPLETION = os.path.join(SOURCE, "client", "completion", "eportctl.bash")


def test_install_puts_binary_man_pages_and_completion_in_place(tmp_path):
    script = os.path.join(BUILD, "client", "cmake_install.cmake")
    if not os.path.exists(eportctl_path()) or not os.path.exists(script):
        pytest.fail("eportctl is not built in " + BUILD)
    subprocess.run(["cmake", f"-DCMAKE_INSTALL_PREFIX={tmp_path}", "-P", script], check=True,
                   capture_output=True)
    for rel in ("bin/eportctl", "share/man/man1/eportctl.1", "share/man/man8/eportd.8",
                "share/bash-completion/completions/eportctl"):
        assert (tmp_path / rel).exists(), rel
    r = subprocess.run([str(tmp_path / "bin" / "eportctl"), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("eportctl ")


@pytest.mark.parametrize("page", ["eportctl.1", "eportd.8"])
def test_man_pages_render_without_warnings(page):
    if not shutil.which("man"):
        pytest.skip("man is not installed")
    path = os.path.join(SOURCE, "client", "man", page)
    r = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="100", MANPAGER="cat", PAGER="cat"))
    assert r.returncode == 0
    assert r.stderr.strip() == ""
    assert "EXAMPLES" in r.stdout and "SEE ALSO" in r.stdout


def complete(line):
    """COMPREPLY for the command line `line` (the cursor at its end)."""
    script = (f"source {COMPLETION}\n"
              f"COMP_LINE='{line}'; read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
              "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n"
              "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
              "_eportctl; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, PATH=os.path.dirname(eportctl_path()) + ":" + os.environ["PATH"],
                                EPORTCTL_SOCKET="/nonexistent.sock"))
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_bash_completion_completes_commands_options_and_slots():
    assert complete("eportctl re") == ["readers", "renew"]
    assert "--puk-stdin" in complete("eportctl unlock --")
    # Slots come from the token itself (token.status `slots`): with no eportd there is nothing to
    # offer (tests/integration/providers completes a real token's slots).
    assert complete("eportctl renew piv:1 --slot ") == []
    assert complete("eportctl --lang ") == ["en", "zh"]
    assert "token.status" in complete("eportctl call tok")
