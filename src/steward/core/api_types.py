"""Field types shared by the API schemas of every app."""

from __future__ import annotations

# A figure the API writes as it was computed: a median of whole hours may be 7 (an integer) or
# 7.5, a share 0 or 0.25. `float` alone would turn every 7 into 7.0 and change the JSON.
Number = int | float
