WITH book_rows AS (
  SELECT
    customer_id,
    CAST(mrr AS NUMERIC) AS mrr,
    CAST(EXTRACT(YEAR FROM CAST(month AS DATE)) AS INT64) * 12 + CAST(EXTRACT(MONTH FROM CAST(month AS DATE)) AS INT64) - 1 AS m
  FROM mrr
), bounds AS (
  SELECT
    MIN(m) AS first_m,
    MAX(m) AS last_m
  FROM book_rows
), customer_months AS (
  SELECT
    customer_id,
    m,
    SUM(mrr) AS mrr
  FROM book_rows
  GROUP BY
    customer_id,
    m
), paid AS (
  SELECT
    customer_id,
    m,
    mrr
  FROM customer_months
  WHERE
    mrr > 0
), firsts AS (
  SELECT
    customer_id,
    MIN(m) AS cohort
  FROM paid
  GROUP BY
    customer_id
), cells AS (
  SELECT
    f.cohort,
    p.m - f.cohort AS k,
    SUM(p.mrr) AS mrr,
    COUNT(*) AS customers
  FROM paid AS p
  JOIN firsts AS f
    ON f.customer_id = p.customer_id
  GROUP BY
    f.cohort,
    p.m - f.cohort
), sizes AS (
  SELECT
    cohort,
    mrr AS start_mrr,
    customers
  FROM cells
  WHERE
    k = 0
), digits AS (
  SELECT
    0 AS d
  UNION ALL
  SELECT
    1 AS d
  UNION ALL
  SELECT
    2 AS d
  UNION ALL
  SELECT
    3 AS d
  UNION ALL
  SELECT
    4 AS d
  UNION ALL
  SELECT
    5 AS d
  UNION ALL
  SELECT
    6 AS d
  UNION ALL
  SELECT
    7 AS d
  UNION ALL
  SELECT
    8 AS d
  UNION ALL
  SELECT
    9 AS d
), spine AS (
  SELECT
    0 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS p
  FROM bounds, digits AS a, digits AS b, digits AS c, digits AS e
  WHERE
    0 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d <= last_m - first_m
)
SELECT
  CAST(DIV(z.cohort, 12) AS STRING) || '-' || LPAD(CAST(MOD(z.cohort, 12) + 1 AS STRING), 2, '0') AS cohort,
  CAST(z.customers AS INT64) AS customers,
  z.start_mrr,
  spine.p AS months_since_start,
  CAST(COALESCE(c.mrr, 0) AS FLOAT64) / NULLIF(CAST(z.start_mrr AS FLOAT64), 0) AS revenue,
  CAST(COALESCE(c.customers, 0) AS FLOAT64) / NULLIF(CAST(z.customers AS FLOAT64), 0) AS logo
FROM sizes AS z
CROSS JOIN spine
CROSS JOIN bounds
LEFT JOIN cells AS c
  ON c.cohort = z.cohort AND c.k = spine.p
WHERE
  z.cohort + spine.p <= bounds.last_m
ORDER BY
  z.cohort NULLS LAST,
  spine.p NULLS LAST;
