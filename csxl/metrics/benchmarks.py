"""Public retention benchmarks to compare an account or a portfolio with.

SaaS Capital, "2023 B2B SaaS Retention Benchmarks": median NRR and GRR of
private B2B SaaS companies by annual contract value (USD).
"""

from __future__ import annotations

import bisect

# (ACV from, in USD; band; median NRR; median GRR)
SAAS_CAPITAL_2023 = (
    (0, "< $12K", 1.00, 0.90),
    (12_000, "$12K-$25K", 1.02, 0.90),
    (25_000, "$25K-$50K", 1.03, 0.92),
    (50_000, "$50K-$100K", 1.05, 0.93),
    (100_000, "$100K-$250K", 1.07, 0.93),
    (250_000, "> $250K", 1.10, 0.93),
)


def saas_capital_benchmark(acv_usd: float) -> tuple[str, float, float]:
    """(band, median NRR, median GRR) for an ACV in USD.

    >>> saas_capital_benchmark(30_000)
    ('$25K-$50K', 1.03, 0.92)
    """
    if acv_usd < 0:
        raise ValueError("acv_usd must be a number >= 0")
    _, band, nrr, grr = SAAS_CAPITAL_2023[bisect.bisect_right([b[0] for b in SAAS_CAPITAL_2023], acv_usd) - 1]
    return band, nrr, grr
