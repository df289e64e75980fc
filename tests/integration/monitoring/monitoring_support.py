"""Helpers for the monitoring suites (issue 16): reading the Prometheus text eportd writes,
promtool, a real node_exporter on the textfile directory, and the alert rules' texts.

Real parts only: promtool and prometheus-node-exporter are Debian's packages (scripts/deps).
"""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from harness import ports, rpc
from harness.procs import Proc, wait_for

SOURCE_DIR = os.environ.get("EPORT_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RULES_FILE = os.path.join(SOURCE_DIR, "packaging", "prometheus", "eportd.rules.yml")

#: Every family eportd writes while it runs, in order (the last one ends the file).
FAMILIES = [
    "eportd_up", "eportd_build_info", "eportd_start_time_seconds", "eportd_pcscd_up",
    "eportd_readers_present", "eportd_tokens_present", "eportd_token_info",
    "eportd_token_pin_tries_left", "eportd_token_pin_max_tries", "eportd_token_pin_blocked",
    "eportd_token_pin_default", "eportd_token_puk_tries_left", "eportd_token_puk_blocked",
    "eportd_certificate_expiry_timestamp_seconds", "eportd_method_calls_total",
    "eportd_refusals_total", "eportd_events_dropped_total",
]

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def _unescape(value):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def parse_samples(text):
    """[(name, {label: value}, float value)] of a Prometheus text (comments skipped)."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = {k: _unescape(v) for k, v in _LABEL.findall(m.group(3) or "")}
        samples.append((m.group(1), labels, float(m.group(4))))
    return samples


def value(samples, name, **labels):
    """The value of the one sample called name whose labels include `labels`; None if none."""
    found = [v for n, ls, v in samples if n == name and all(ls.get(k) == x for k, x in labels.items())]
    assert len(found) <= 1, f"{name}{labels} is not unique: {found}"
    return found[0] if found else None


def read_text(path):
    """The file's text ("" while it does not exist)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_file(path, predicate, what, timeout=20.0):
    """Waits until predicate(samples of the file) is true; returns the samples."""
    last = {}

    def check():
        last["text"] = read_text(path)
        samples = parse_samples(last["text"]) if last["text"] else []
        return samples if last["text"] and predicate(samples) else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got is not None:
            return got
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} in {path}; it reads:\n"
                + last.get("text", ""))


def promtool(*args, input=None):
    """promtool ARGS; CompletedProcess with text output."""
    exe = shutil.which("promtool")
    assert exe, "promtool is not installed (Debian package prometheus; scripts/deps installs it)"
    return subprocess.run([exe] + list(args), input=input, capture_output=True, text=True,
                          timeout=120)


def check_metrics(text):
    """Asserts that `promtool check metrics` accepts the text without a remark."""
    res = promtool("check", "metrics", input=text)
    assert res.returncode == 0 and not res.stdout.strip() and not res.stderr.strip(), \
        f"promtool check metrics (exit {res.returncode}):\n{res.stdout}{res.stderr}\n--- text:\n{text}"


def call(daemon, method, params=None):
    """One request on a fresh connection; the result (RpcError on an error answer)."""
    with daemon.client(timeout=60) as client:
        return client.call(method, params)


def wait_until(what, predicate, timeout=20.0, interval=0.1):
    """Polls predicate() until it returns something true; fails the test after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def token_id(serial):
    """The token id eportd derives from a PIV card's serial."""
    return f"piv:{int(serial):08x}"


def wait_token(daemon, tid):
    """Waits until tokens.list has tid as ready."""
    wait_until(f"token {tid}", lambda: any(t["id"] == tid and t["state"] == "ready"
                                           for t in call(daemon, "tokens.list")["tokens"]))


def iso_unix(text):
    """PROTOCOL.md time -> Unix seconds."""
    import calendar
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


# -- node_exporter ---------------------------------------------------------------------------
class NodeExporter:
    """Debian's prometheus-node-exporter with only the textfile collector, on loopback."""

    def __init__(self, directory, workdir):
        exe = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
        assert exe, "prometheus-node-exporter is not installed (scripts/deps installs it)"
        self.port = ports.free_ports(1)
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        self.proc = Proc("node_exporter", [
            exe, f"--web.listen-address=127.0.0.1:{self.port}", "--collector.disable-defaults",
            "--collector.textfile", f"--collector.textfile.directory={directory}"],
            log_path=os.path.join(workdir, f"node_exporter-{self.port}.log")).start()
        wait_for("node_exporter", self._answers, 20.0, interval=0.1,
                 detail=lambda: self.proc.log_tail())

    def _answers(self):
        assert self.proc.alive(), self.proc.log_tail()
        try:
            self.scrape()
            return True
        except OSError:
            return False

    def scrape(self):
        """The text node_exporter serves now."""
        with urllib.request.urlopen(self.url, timeout=10) as answer:
            return answer.read().decode("utf-8")

    def stop(self):
        self.proc.stop()


# -- alert rules -----------------------------------------------------------------------------
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}")
_LABEL_REF = re.compile(r"^\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*$")
_VALUE_PRINTF = re.compile(r'^\s*\$value \| printf "([^"]+)"\s*$')


def rule_annotations():
    """{alert name: {annotation: template}} read from the rules file. The file keeps every
    annotation on one line in double quotes (it says so), which json.loads reads as is."""
    alerts, current, in_annotations = {}, None, False
    with open(RULES_FILE, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*- alert: (\S+)\s*$", line)
            if m:
                current, in_annotations = m.group(1), False
                alerts[current] = {}
                continue
            if re.match(r"^\s*annotations:\s*$", line):
                in_annotations = True
                continue
            m = re.match(r'^\s+([a-z_]+): (".*")\s*$', line)
            if current and in_annotations and m:
                alerts[current][m.group(1)] = json.loads(m.group(2))
            elif re.match(r"^\s*(- |expr:|for:|labels:)", line):
                in_annotations = False
    return alerts


def render(template, labels, value):
    """What Prometheus makes of an annotation that uses only {{ $labels.x }} and
    {{ $value | printf "FMT" }} (the test asserts the file uses nothing else)."""
    def one(match):
        inner = match.group(1)
        label = _LABEL_REF.match(inner)
        if label:
            return labels.get(label.group(1), "")
        fmt = _VALUE_PRINTF.match(inner)
        if fmt:
            return fmt.group(1) % value
        raise AssertionError(f"template construct the test cannot render: {{{{{inner}}}}}")
    return _TEMPLATE.sub(one, template)


def template_constructs():
    """Every {{ ... }} used in the rules file's annotations."""
    found = set()
    for annotations in rule_annotations().values():
        for text in annotations.values():
            found.update(m.group(1) for m in _TEMPLATE.finditer(text))
    return found
