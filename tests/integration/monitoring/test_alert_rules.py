"""Issue 16, the alert rules: packaging/prometheus/eportd.rules.yml fires the right alerts for
series made from what a real node_exporter serves of the file eportd wrote for real cards —
a certificate 20 days from its end gives the 30-day alert and not the 7-day one, a PIN blocked
by yubico-piv-tool gives the PIN alert, a PUK with one try left the PUK alert — and for eportd
stopped, pcscd gone, a stale or a missing file. Real parts: private pcscd, eport-vcard,
eportd, yubico-piv-tool, prometheus-node-exporter, promtool (`promtool test rules`)."""

import json
import os
import re
import shutil
import subprocess

import pytest

import monitoring_support as ms
from harness.piv_tools import PivTools

HEALTHY, SOON = 17001, 17002
INSTANCE = {"instance": "desktop-17.example:9100", "job": "node"}
DAY = 86400
#: Series whose values are Unix times; they are moved so that "now" in promtool's clock (which
#: starts at 0) is the moment eportd wrote the file, plus however many days a case looks ahead.
TIME_SERIES = {"eportd_certificate_expiry_timestamp_seconds", "eportd_start_time_seconds"}
EVAL = 30 * 60  # every case is evaluated at 30 minutes (longer than every `for:` but one)


@pytest.fixture(scope="module")
def fleet(pcsc):
    """eportd writing its file for a healthy card whose PUK has one try left and a card whose
    certificate ends in 20 days and whose PIN is blocked; node_exporter reading that file."""
    directory = os.path.join(pcsc.workdir, "textfile")
    os.makedirs(directory)
    path = os.path.join(directory, "eportd.prom")
    daemon = pcsc.eportd(config={"metrics": {"textfile": path, "refresh_s": 0}})
    cards = {"healthy": pcsc.card("healthy", serial=HEALTHY, certs=["9a:p256:3650"]),
             "soon": pcsc.card("soon", serial=SOON, certs=["9a:p256:20"])}
    healthy = PivTools(pcsc, cards["healthy"], os.path.join(pcsc.workdir, "tools-healthy"))
    for _ in range(2):  # another program spends two PUK tries: one is left
        assert healthy.ykpiv("-a", "unblock-pin", "-P", "00000000", "-N", "55555555").returncode != 0
    soon = PivTools(pcsc, cards["soon"], os.path.join(pcsc.workdir, "tools-soon"))
    for _ in range(3):  # and blocks the other card's PIN
        assert soon.ykpiv("-a", "verify-pin", "-P", "99999999").returncode != 0
    for serial in (HEALTHY, SOON):
        ms.wait_token(daemon, ms.token_id(serial))
        ms.call(daemon, "token.status", {"token": ms.token_id(serial)})
    ms.wait_file(path, lambda s: ms.value(s, "eportd_token_pin_blocked", token=ms.token_id(SOON)) == 1
                 and ms.value(s, "eportd_token_puk_tries_left", token=ms.token_id(HEALTHY)) == 1,
                 "the blocked PIN and the PUK's last try")
    node = ms.NodeExporter(directory, pcsc.workdir)
    yield {"daemon": daemon, "path": path, "dir": directory, "node": node, "cards": cards}
    node.stop()
    daemon.stop()


# -- building promtool tests -------------------------------------------------------------------
def series_of(scraped, names=None):
    """The samples of a node_exporter scrape worth feeding to the rules: eportd's and the
    textfile collector's, with the labels Prometheus adds to a node_exporter target."""
    out = []
    for name, labels, val in ms.parse_samples(scraped):
        if not (name.startswith("eportd_") or name.startswith("node_textfile_")):
            continue
        if names is not None and name not in names:
            continue
        out.append((name, dict(labels, **INSTANCE), val))
    return out


def selector(name, labels):
    """A PromQL series selector: name{label="value",...} with values escaped."""
    def quoted(v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    inner = ",".join(f"{k}={quoted(v)}" for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}"


def number(v):
    """A sample value as promtool's series notation takes it."""
    return str(int(v)) if float(v).is_integer() else repr(v)


def input_series(samples, file_time, ahead=0, stale=False):
    """promtool input_series: constant values; times moved (see TIME_SERIES); the file's mtime
    advancing with the clock (eportd alive) unless `stale`."""
    points = EVAL // 60 + 15
    series = []
    for name, labels, val in samples:
        if name in TIME_SERIES:
            val = val - file_time - ahead + EVAL
        if name == "node_textfile_mtime_seconds":
            values = f"0+0x{points}" if stale else f"0+60x{points}"
        else:
            values = f"{number(val)}+0x{points}"
        series.append({"series": selector(name, labels), "values": values})
    return series


def expected(alert, labels, value, severity):
    """exp_alerts entry: the series' labels plus severity, annotations as Prometheus renders them."""
    annotations = ms.rule_annotations()[alert]
    exp_labels = {k: v for k, v in labels.items() if k != "__name__"}
    exp_labels["severity"] = severity
    return {"exp_labels": exp_labels,
            "exp_annotations": {k: ms.render(t, exp_labels, value) for k, t in annotations.items()}}


def run_rule_tests(tmp_path, tests, name="rules_test.json"):
    """Writes a promtool test file (JSON is YAML) and runs `promtool test rules` on it."""
    path = tmp_path / name
    path.write_text(json.dumps({"rule_files": [ms.RULES_FILE], "evaluation_interval": "1m",
                                "tests": tests}, ensure_ascii=False, indent=1), encoding="utf-8")
    return ms.promtool("test", "rules", str(path))


def case(name, series, checks, eval_time=EVAL):
    """One promtool test: `checks` maps alert name -> expected alerts (a list, [] = none)."""
    return {"name": name, "interval": "1m", "input_series": series,
            "alert_rule_test": [{"eval_time": f"{eval_time}s", "alertname": alert, "exp_alerts": alerts}
                                for alert, alerts in checks.items()]}


def find(samples, name, **labels):
    """The labels of the one sample called name that has `labels`."""
    hits = [(n, ls) for n, ls, _ in samples if n == name and all(ls.get(k) == v for k, v in labels.items())]
    assert len(hits) == 1, f"{name}{labels}: {hits}"
    return hits[0][1]


def sample_value(samples, name, **labels):
    """The value of the one sample called name that has `labels`."""
    hits = [v for n, ls, v in samples if n == name and all(ls.get(k) == x for k, x in labels.items())]
    assert len(hits) == 1, f"{name}{labels}: {hits}"
    return hits[0]


ALL_ALERTS = ["EportdCertificateExpiresWithin30Days", "EportdCertificateExpiresWithin7Days",
              "EportdCertificateExpired", "EportdPinBlocked", "EportdPukFinalTry", "EportdPukBlocked",
              "EportdDown", "EportdMetricsStale", "EportdMetricsMissing", "EportdPcscdDown"]


# -- tests ---------------------------------------------------------------------------------------
def test_the_rules_file_is_valid_and_every_alert_speaks_english_and_chinese():
    res = ms.promtool("check", "rules", ms.RULES_FILE)
    assert res.returncode == 0, res.stdout + res.stderr
    annotations = ms.rule_annotations()
    assert sorted(annotations) == sorted(ALL_ALERTS)
    for alert, texts in annotations.items():
        assert set(texts) == {"summary", "summary_zh", "description", "description_zh"}, alert
        for key in ("summary_zh", "description_zh"):
            assert re.search(r"[\u4e00-\u9fff]", texts[key]), f"{alert}.{key} has no Chinese"
        for key in ("summary", "description"):
            assert not re.search(r"[\u4e00-\u9fff]", texts[key]), f"{alert}.{key} is not English"
    for construct in ms.template_constructs():  # what render() can reproduce, nothing more
        assert re.match(r'^\s*(\$labels\.[a-z_]+|\$value \| printf "%\.[01]f")\s*$', construct), construct


def test_node_exporter_serves_the_file_unchanged(fleet):
    scraped = fleet["node"].scrape()
    served = ms.parse_samples(scraped)
    assert sample_value(served, "node_textfile_scrape_error") == 0, scraped
    mtime = sample_value(served, "node_textfile_mtime_seconds")
    assert abs(mtime - os.stat(fleet["path"]).st_mtime) < 1.0
    file_samples = ms.parse_samples(ms.read_text(fleet["path"]))
    # the file may move on (calls counter) between reading and scraping: compare the rest
    stable = [s for s in file_samples if s[0] != "eportd_method_calls_total"]
    for name, labels, val in stable:
        assert (name, labels, val) in served, f"node_exporter lost {name}{labels} {val}"
    file_label = find(served, "node_textfile_mtime_seconds")["file"]
    assert re.fullmatch(r"(.*/)?eportd\.prom", file_label), file_label  # what EportdMetricsStale matches


def test_the_cards_fire_the_right_alerts_now_and_later(fleet, tmp_path):
    scraped = fleet["node"].scrape()
    samples = series_of(scraped)
    file_time = sample_value(samples, "node_textfile_mtime_seconds")
    soon, healthy = ms.token_id(SOON), ms.token_id(HEALTHY)
    soon_cert = find(samples, "eportd_certificate_expiry_timestamp_seconds", token=soon)
    soon_end = sample_value(samples, "eportd_certificate_expiry_timestamp_seconds", token=soon)
    days_left = (soon_end - file_time) / DAY
    assert 19.9 < days_left <= 20, days_left
    pin_blocked = find(samples, "eportd_token_pin_blocked", token=soon)
    puk_left = find(samples, "eportd_token_puk_tries_left", token=healthy)
    quiet = ["EportdCertificateExpiresWithin7Days", "EportdCertificateExpired", "EportdPukBlocked",
             "EportdDown", "EportdMetricsStale", "EportdMetricsMissing", "EportdPcscdDown"]
    now = case("the fleet now", input_series(samples, file_time), dict(
        {"EportdCertificateExpiresWithin30Days": [
            expected("EportdCertificateExpiresWithin30Days", soon_cert, days_left, "warning")],
         "EportdPinBlocked": [expected("EportdPinBlocked", pin_blocked, 1, "critical")],
         "EportdPukFinalTry": [expected("EportdPukFinalTry", puk_left, 1, "critical")]},
        **{alert: [] for alert in quiet}))
    later = case("14 days later", input_series(samples, file_time, ahead=14 * DAY), {
        "EportdCertificateExpiresWithin30Days": [],
        "EportdCertificateExpiresWithin7Days": [
            expected("EportdCertificateExpiresWithin7Days", soon_cert, days_left - 14, "critical")],
        "EportdCertificateExpired": []})
    expired = case("21 days later", input_series(samples, file_time, ahead=21 * DAY), {
        "EportdCertificateExpiresWithin30Days": [],
        "EportdCertificateExpiresWithin7Days": [],
        "EportdCertificateExpired": [expected("EportdCertificateExpired", soon_cert, 21 - days_left, "critical")]})
    mtime = find(samples, "node_textfile_mtime_seconds")
    stale = case("eportd stopped writing", input_series(samples, file_time, stale=True), {
        "EportdMetricsStale": [expected("EportdMetricsStale", mtime, EVAL / 60, "critical")],
        "EportdDown": []})
    res = run_rule_tests(tmp_path, [now, later, expired, stale])
    assert res.returncode == 0, res.stdout + res.stderr


def test_a_wrong_expectation_fails(fleet, tmp_path):
    """The check above can fail: expecting the 7-day alert for the 20-day certificate does."""
    samples = series_of(fleet["node"].scrape())
    file_time = sample_value(samples, "node_textfile_mtime_seconds")
    cert = find(samples, "eportd_certificate_expiry_timestamp_seconds", token=ms.token_id(SOON))
    wrong = case("wrong", input_series(samples, file_time), {
        "EportdCertificateExpiresWithin7Days": [expected("EportdCertificateExpiresWithin7Days", cert, 20, "critical")]})
    res = run_rule_tests(tmp_path, [wrong], "wrong_test.json")
    assert res.returncode != 0
    assert "EportdCertificateExpiresWithin7Days" in res.stdout + res.stderr


def test_a_textfile_directory_without_eportd_fires_metrics_missing(fleet, pcsc, tmp_path):
    empty = os.path.join(pcsc.workdir, "textfile-empty")
    os.makedirs(empty)
    node = ms.NodeExporter(empty, pcsc.workdir)
    try:
        samples = series_of(node.scrape())
    finally:
        node.stop()
    scrape_error = find(samples, "node_textfile_scrape_error")
    assert not [n for n, _, _ in samples if n.startswith("eportd_")]
    missing = case("no eportd file", input_series(samples, 0), {
        "EportdMetricsMissing": [expected("EportdMetricsMissing", scrape_error, 0, "warning")]},
        eval_time=40 * 60)
    res = run_rule_tests(tmp_path, [missing])
    assert res.returncode == 0, res.stdout + res.stderr


def test_pcscd_gone_fires_pcscd_down(fleet, pcsc, tmp_path):
    for name in list(fleet["cards"]):
        pcsc.discard(fleet["cards"].pop(name))
    pcsc.pcscd.stop()
    try:
        ms.wait_file(fleet["path"], lambda s: ms.value(s, "eportd_pcscd_up") == 0, "pcscd down", timeout=30)
        samples = series_of(fleet["node"].scrape())
    finally:
        pcsc.pcscd.start()
    pcscd = find(samples, "eportd_pcscd_up")
    assert sample_value(samples, "eportd_readers_present") == 0
    down = case("pcscd gone", input_series(samples, sample_value(samples, "node_textfile_mtime_seconds")), {
        "EportdPcscdDown": [expected("EportdPcscdDown", pcscd, 0, "warning")],
        "EportdDown": [], "EportdPinBlocked": []})
    res = run_rule_tests(tmp_path, [down])
    assert res.returncode == 0, res.stdout + res.stderr


def test_eportd_stopped_fires_eportd_down(fleet, tmp_path):
    fleet["daemon"].stop()
    samples = ms.parse_samples(ms.read_text(fleet["path"]))
    assert ms.value(samples, "eportd_up") == 0
    assert not [n for n, _, _ in samples if n.startswith("eportd_token") or n.startswith("eportd_cert")]
    ms.check_metrics(ms.read_text(fleet["path"]))
    served = series_of(fleet["node"].scrape())
    up = find(served, "eportd_up")
    down = case("eportd stopped", input_series(served, sample_value(served, "node_textfile_mtime_seconds")), {
        "EportdDown": [expected("EportdDown", up, 0, "critical")],
        "EportdMetricsMissing": [], "EportdPinBlocked": []})
    res = run_rule_tests(tmp_path, [down])
    assert res.returncode == 0, res.stdout + res.stderr


def doc_block(marker):
    """The ```yaml block that follows `<!-- marker ...-->` in docs/monitoring.md."""
    with open(os.path.join(ms.SOURCE_DIR, "docs", "monitoring.md"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"<!-- " + re.escape(marker) + r"[^>]*-->\n```yaml\n(.*?)```", text, re.S)
    assert match, f"docs/monitoring.md has no {marker} block"
    return match.group(1)


def test_the_documented_prometheus_and_alertmanager_configs_are_valid(tmp_path):
    prometheus = tmp_path / "prometheus.yml"
    prometheus.write_text(doc_block("prometheus-config").replace("/etc/prometheus/eportd.rules.yml",
                                                                 ms.RULES_FILE))
    res = ms.promtool("check", "config", str(prometheus))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SUCCESS: 10 rules found" in res.stdout
    alertmanager = tmp_path / "alertmanager.yml"
    alertmanager.write_text(doc_block("alertmanager-config"))
    amtool = shutil.which("amtool")
    assert amtool, "amtool is not installed (Debian package prometheus-alertmanager; scripts/deps)"
    res = subprocess.run([amtool, "check-config", str(alertmanager)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    # the inhibit rule names alerts that exist
    for name in re.findall(r"Eportd[A-Za-z0-9]+", doc_block("alertmanager-config")):
        assert name in ALL_ALERTS or any(a.startswith(name) for a in ALL_ALERTS), name
