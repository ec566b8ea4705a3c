"""``python -m shifeng.pdf BUILD_DIR``: compile the LaTeX documents (:mod:`shifeng.pdf.compile`)."""

import sys

from shifeng.pdf.compile import main

sys.exit(main())
