WITH book_rows AS (
  SELECT
    customer_id,
    CAST(mrr AS DECIMAL(18, 6)) AS mrr,
    CAST(DATE_PART(YEAR, CAST(month AS DATE)) AS INT) * 12 + CAST(DATE_PART(MONTH, CAST(month AS DATE)) AS INT) - 1 AS m
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
  CAST(CAST(TRUNC(spine.p / 12) AS BIGINT) AS VARCHAR) || '-' || LPAD(CAST(spine.p % 12 + 1 AS VARCHAR), 2, '0') AS month,
  COALESCE(w.start_mrr, 0) AS start_mrr,
  COALESCE(w.end_mrr, 0) AS end_mrr,
  COALESCE(w.retained_mrr, 0) AS retained_mrr,
  CAST(COALESCE(w.customers_start, 0) AS BIGINT) AS customers_start,
  CAST(COALESCE(w.customers_lost, 0) AS BIGINT) AS customers_lost,
  CAST(w.end_mrr AS DOUBLE) / NULLIF(CAST(w.start_mrr AS DOUBLE), 0) AS nrr,
  CAST(w.retained_mrr AS DOUBLE) / NULLIF(CAST(w.start_mrr AS DOUBLE), 0) AS grr,
  CAST(w.customers_lost AS DOUBLE) / NULLIF(CAST(w.customers_start AS DOUBLE), 0) AS logo_churn
FROM spine
LEFT JOIN sums AS w
  ON w.m = spine.p
ORDER BY
  spine.p;
