"""The typed models, for annotations: ``def show(s: bridge.models.SynchronizationSchedule)``.

Result classes (``SynchronizationJob``, ``SynchronizationSchedule``,
``SynchronizationQuarantine``, ...) have a typed property per Graph key; the
``*Input`` TypedDicts are the NOTES hashtable shapes (``SynchronizationJobInput``).
All are generated from the spec (``bridge/_generated/models.py``).
"""

from ._generated.models import *  # noqa: F401,F403
from ._generated.models import __all__ as __all__  # noqa: F401
