"""Copy the front-end files Samskab ships from npm packages into the source tree.

Run after changing a version in frontend/package.json:

    cd frontend && npm install && cd .. && python3 scripts/vendor_assets.py

The copies are committed, so users need neither Node.js nor npm. Only the files a page uses are
shipped, each package with its licence notice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "frontend" / "node_modules"
STATIC = ROOT / "src" / "samskab" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "e2e" / "vendor"


def copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dest)


def main() -> None:
    shutil.rmtree(STATIC, ignore_errors=True)
    dkfds = NODE / "dkfds" / "dist"
    out = STATIC / "dkfds"
    copy(dkfds / "css" / "dkfds-borgerdk.min.css", out / "css" / "dkfds-borgerdk.min.css")
    copy(dkfds / "js" / "dkfds.min.js", out / "js" / "dkfds.min.js")
    copy(dkfds / "img" / "svg-icons", out / "img" / "svg-icons")
    copy(dkfds / "img" / "all-svg-icons.svg", out / "img" / "all-svg-icons.svg")
    copy(dkfds / "LICENSE.md", out / "LICENSE.md")
    fonts = dkfds / "fonts" / "IBMPlexSans" / "complete"
    for kind in ("woff2", "woff"):
        copy(fonts / kind, out / "fonts" / "IBMPlexSans" / "complete" / kind)
    for kind in ("eot", "ttf"):
        for f in (fonts / kind).glob("IBMPlexSans-Regular.*"):
            copy(f, out / "fonts" / "IBMPlexSans" / "complete" / kind / f.name)
    for lic in (dkfds / "fonts" / "IBMPlexSans").rglob("license.txt"):
        copy(lic, out / "fonts" / "IBMPlexSans" / "LICENSE-OFL.txt")
        break

    htmx = NODE / "htmx.org"
    copy(htmx / "dist" / "htmx.min.js", STATIC / "htmx" / "htmx.min.js")
    copy(htmx / "LICENSE", STATIC / "htmx" / "LICENSE")

    axe = NODE / "axe-core"
    copy(axe / "axe.min.js", TEST_VENDOR / "axe.min.js")
    copy(axe / "LICENSE", TEST_VENDOR / "LICENSE-axe-core.txt")
    print(f"Copied into {STATIC.relative_to(ROOT)} and {TEST_VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
