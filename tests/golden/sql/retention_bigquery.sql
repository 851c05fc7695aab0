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
), windows AS (
  SELECT
    s.m + 12 AS m,
    s.mrr AS start_mrr,
    COALESCE(e.mrr, 0) AS end_mrr
  FROM customer_months AS s
  CROSS JOIN bounds
  LEFT JOIN customer_months AS e
    ON e.customer_id = s.customer_id AND e.m = s.m + 12
  WHERE
    s.mrr > 0 AND s.m + 12 <= bounds.last_m
), sums AS (
  SELECT
    m,
    SUM(start_mrr) AS start_mrr,
    SUM(end_mrr) AS end_mrr,
    SUM(CASE WHEN end_mrr < start_mrr THEN end_mrr ELSE start_mrr END) AS retained_mrr,
    COUNT(*) AS customers_start,
    SUM(CASE WHEN end_mrr = 0 THEN 1 ELSE 0 END) AS customers_lost
  FROM windows
  GROUP BY
    m
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
    first_m + 12 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS p
  FROM bounds, digits AS a, digits AS b, digits AS c, digits AS e
  WHERE
    first_m + 12 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d <= last_m
)
SELECT
  CAST(DIV(spine.p, 12) AS STRING) || '-' || LPAD(CAST(MOD(spine.p, 12) + 1 AS STRING), 2, '0') AS month,
  COALESCE(w.start_mrr, 0) AS start_mrr,
  COALESCE(w.end_mrr, 0) AS end_mrr,
  COALESCE(w.retained_mrr, 0) AS retained_mrr,
  CAST(COALESCE(w.customers_start, 0) AS INT64) AS customers_start,
  CAST(COALESCE(w.customers_lost, 0) AS INT64) AS customers_lost,
  CAST(w.end_mrr AS FLOAT64) / NULLIF(CAST(w.start_mrr AS FLOAT64), 0) AS nrr,
  CAST(w.retained_mrr AS FLOAT64) / NULLIF(CAST(w.start_mrr AS FLOAT64), 0) AS grr,
  CAST(w.customers_lost AS FLOAT64) / NULLIF(CAST(w.customers_start AS FLOAT64), 0) AS logo_churn
FROM spine
LEFT JOIN sums AS w
  ON w.m = spine.p
ORDER BY
  spine.p NULLS LAST;
