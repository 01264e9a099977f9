"""Every screen of a journey, checked: axe-core (WCAG 2.1 A + AA), the Nu Html Checker, phone width, screenshot.

A journey creates one ``Screens`` (the ``screens`` fixture) and calls ``screens.check(page, name)`` on each
screen it passes. Accessibility and width problems fail at once, naming the screen; the server's HTML of
every screen is kept and validated in one Java run at the end (``screens.validate_html()``), because the
JVM starts slowly. Neither tool may be missing: a missing Java or axe-core fails the test, never skips it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JOURNEYS = ROOT / "tests" / "artifacts" / "journeys"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {
    rules: result.violations.length + result.passes.length + result.incomplete.length + result.inapplicable.length,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    })),
  };
}"""


def _axe_source() -> str:
    assert AXE.exists(), f"axe-core is missing at {AXE}: run `make install` (npm ci)"
    return AXE.read_text(encoding="utf-8")


def run_axe(page) -> tuple[int, list[dict]]:
    """axe-core's WCAG 2.1 A/AA rules on the page as it is now. Injected through the DevTools protocol
    (page.evaluate), which the page's CSP does not govern; the CSP itself stays on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    outcome = page.evaluate(RUN_AXE, WCAG_TAGS)
    return outcome["rules"], outcome["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def java() -> str:
    found = shutil.which("java")
    assert found, "the Nu Html Checker needs Java: apt-get install default-jre-headless"
    return found


def validate_with_vnu(files: list[Path]) -> list[dict]:
    """Errors of the Nu Html Checker over all files, in one JVM."""
    assert VNU.exists(), f"vnu.jar is missing at {VNU}: run `make install` (npm ci)"
    completed = subprocess.run(  # fixed argv, our own files, no shell
        [java(), "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(completed.stderr or '{"messages": []}')
    return [message for message in report["messages"] if message.get("type") in {"error", "non-document-error"}]


@dataclass
class Screens:
    """The screens of one journey."""

    journey: str
    readme: bool = field(default_factory=lambda: os.environ.get("UPDATE_SCREENSHOTS") == "1")
    count: int = 0
    axe_runs: int = 0
    rules: int = 0
    html: list[tuple[str, Path]] = field(default_factory=list)
    _documents: dict = field(default_factory=dict)

    def __post_init__(self):
        self.directory = JOURNEYS / self.journey
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)

    def watch(self, page) -> None:
        """Remember the last main-document response of ``page`` (the server's HTML of the current screen)."""

        def remember(response):
            request = response.request
            if request.resource_type == "document" and response.frame == page.main_frame and response.status < 300:
                self._documents[id(page)] = response

        page.on("response", remember)

    def check(self, page, name: str, *, phone: bool = False, english: bool = True, readme: str | None = None):
        """Check the screen ``page`` shows now; ``phone``: also at 375 px, with no sideways scrolling."""
        page.wait_for_load_state("load")
        self.count += 1
        label = f"{self.count:02d}-{name}"
        self._axe(page, label)
        self._keep_html(page, label)
        viewport = page.viewport_size
        if phone:
            if viewport != PHONE:
                page.set_viewport_size(PHONE)
            self.assert_fits_the_phone(page, label)
            if viewport != PHONE:
                self._axe(page, f"{label} at 375 px")
        page.screenshot(path=str(self.directory / f"{label}.png"), full_page=True)
        if readme and self.readme:
            self._readme_screenshot(page, readme, phone=phone)
        if viewport != page.viewport_size:
            page.set_viewport_size(viewport)
        if english and self._came_by_get(page):
            self._in_english(page, label, phone=phone)

    def assert_fits_the_phone(self, page, label: str) -> None:
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], f"{label}: the page scrolls sideways at {sizes[1]} px ({sizes[0]} px wide)"

    def validate_html(self) -> None:
        """All kept pages through the Nu Html Checker in one run; no errors allowed."""
        if not self.html:
            return
        errors = validate_with_vnu([path for _label, path in self.html])
        names = {f"file:{path.resolve()}": label for label, path in self.html}
        if errors:
            lines = [
                f"- {names.get(e.get('url'), e.get('url'))} line {e.get('lastLine')}: {e.get('message')}"
                f" [{(e.get('extract') or '').strip()[:80]}]"
                for e in errors
            ]
            raise AssertionError(f"{len(errors)} HTML error(s) (Nu Html Checker):\n" + "\n".join(lines))

    def _axe(self, page, label: str) -> None:
        rules, violations = run_axe(page)
        self.axe_runs += 1
        self.rules = max(self.rules, rules)
        assert not violations, f"{self.journey} {label}: WCAG 2.1 A/AA violations (axe-core):\n{describe(violations)}"

    def _keep_html(self, page, label: str) -> None:
        response = self._documents.get(id(page))
        assert response is not None, f"{label}: no document response seen (call screens.watch(page) first)"
        path = self.directory / f"{label}.html"
        path.write_bytes(response.body())
        self.html.append((label, path))

    def _came_by_get(self, page) -> bool:
        response = self._documents.get(id(page))
        return (
            response is not None
            and response.request.method == "GET"
            and response.url.split("#")[0] == page.url.split("#")[0]
        )

    def _in_english(self, page, label: str, *, phone: bool) -> None:
        """The same screen in English (the language cookie the switch sets), then back to Dutch."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": origin}])
        try:
            page.reload()
            assert page.locator("html").get_attribute("lang") == "en", f"{label}: the page did not switch to English"
            self._axe(page, f"{label} (English)")
            self._keep_html(page, f"{label}-en")
            if phone:
                viewport = page.viewport_size
                page.set_viewport_size(PHONE)
                self.assert_fits_the_phone(page, f"{label} (English)")
                page.set_viewport_size(viewport)
        finally:
            page.context.add_cookies([{"name": "django_language", "value": "nl", "url": origin}])
            page.reload()

    def _readme_screenshot(self, page, name: str, *, phone: bool) -> None:
        """A small viewport-only PNG for the README (docs/screenshots/<name>.png): 375×812 for the phone
        screens of residents and mediators, 1280×800 for the others."""
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(PHONE if phone else DESKTOP)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(README_SCREENSHOTS / f"{name}.png"), full_page=False, animations="disabled")


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
