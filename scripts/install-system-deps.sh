#!/usr/bin/env bash
# Debian packages the book's build and tests need: CJK fonts for charts and the PDF,
# Chromium for the browser tests and screenshots, TeX Live for the PDF, poppler for
# checking the PDF. Run as root (CI does); skips what is already installed.
set -euo pipefail
packages=(
  fonts-noto-cjk          # Noto Sans/Serif CJK SC: matplotlib charts, static maps, xeCJK
  chromium                # headless browser for Playwright tests (no browser download)
  poppler-utils           # pdftotext, pdffonts, pdfimages, pdftoppm
  texlive-xetex texlive-latex-extra texlive-lang-chinese texlive-fonts-extra latexmk  # the PDF (xelatex + xeCJK)
  texlive-fonts-recommended  # pzdr.tfm, which hyperref needs under xelatex (a Recommends, skipped by --no-install-recommends)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
