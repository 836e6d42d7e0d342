"""Keep Hypothesis's files (example database, caches) out of the repository."""

import os
import tempfile

# Read by Hypothesis on its first write, which happens only once tests run, after this import.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "hechtwijzer-hypothesis")
)
