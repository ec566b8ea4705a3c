#!/usr/bin/env bash
# Debian packages the book needs, by what needs them; the Makefile calls this before each
# step, so nobody has to run it by hand:
#   venv   the Python environment (.venv), when Python cannot make one: python3-venv
#   build  the HTML book   (make book): CJK fonts for the charts and static maps
#   pdf    the print book  (make pdf):  TeX Live with xeCJK, and the same fonts
#   test   the tests       (make test): Chromium for the browser tests, poppler for the PDF tests
#   all    every group (the default)
# Idempotent: it installs only what is missing and says nothing else. It runs apt-get
# directly as root, through sudo when sudo needs no password, and otherwise stops at once
# with the one command to run.
set -euo pipefail

venv=(
  python3-venv            # ensurepip, which `python3 -m venv` needs (Debian ships it apart)
)
build=(
  fonts-noto-cjk          # Noto Sans/Serif CJK SC: the charts and static maps, xeCJK in the PDF
)
pdf=(
  fonts-noto-cjk
  texlive-xetex texlive-latex-extra texlive-lang-chinese texlive-fonts-extra latexmk  # xelatex + xeCJK; bbm.sty, Libertinus
  texlive-fonts-recommended  # pzdr.tfm, which hyperref needs under xelatex (a Recommends, skipped by --no-install-recommends)
)
test=(
  fonts-noto-cjk          # screenshots and the browser's rendering of Chinese text
  chromium                # headless browser for the Playwright tests (no browser download)
  poppler-utils           # pdftotext, pdffonts, pdfimages, pdftoppm
)

packages=()
for group in "${@:-all}"; do
  case "$group" in
    venv) packages+=("${venv[@]}") ;;
    build) packages+=("${build[@]}") ;;
    pdf) packages+=("${pdf[@]}") ;;
    test) packages+=("${test[@]}") ;;
    all) packages+=("${build[@]}" "${pdf[@]}" "${test[@]}") ;;
    *) echo "install-system-deps: unknown group '$group' (venv, build, pdf, test or all)" >&2; exit 2 ;;
  esac
done

missing=()
for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  {
    echo "error: the book needs Debian packages that are not installed: ${missing[*]}"
    echo "       and this user cannot install them (not root, and sudo asks for a password)."
    echo "       Install them once, then run make again:"
    echo "         sudo bash scripts/install-system-deps.sh ${*:-all}"
  } >&2
  exit 1
fi

echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
