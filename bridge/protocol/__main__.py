"""``python -m bridge.protocol``: the subprocess helper (see :mod:`bridge.protocol._server`)."""

import sys

from ._server import main

sys.exit(main())
