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
), window_end AS (
  SELECT
    bounds.last_m AS end_m
  FROM bounds
), starts AS (
  SELECT
    c.customer_id,
    c.mrr
  FROM customer_months AS c, window_end AS w
  WHERE
    c.m = w.end_m - 12 AND c.mrr > 0
), ends AS (
  SELECT
    c.customer_id,
    c.mrr
  FROM customer_months AS c, window_end AS w
  WHERE
    c.m = w.end_m
), accounts AS (
  SELECT
    g.group_name,
    s.mrr AS start_mrr,
    COALESCE(e.mrr, 0) AS end_mrr
  FROM starts AS s
  JOIN customer_groups AS g
    ON g.customer_id = s.customer_id
  LEFT JOIN ends AS e
    ON e.customer_id = s.customer_id
  WHERE
    NOT g.group_name IS NULL AND g.group_name <> ''
)
SELECT
  group_name,
  SUM(start_mrr) AS start_mrr,
  SUM(end_mrr) AS end_mrr,
  CAST(SUM(end_mrr) AS FLOAT64) / NULLIF(CAST(SUM(start_mrr) AS FLOAT64), 0) AS nrr,
  CAST(SUM(CASE WHEN end_mrr < start_mrr THEN end_mrr ELSE start_mrr END) AS FLOAT64) / NULLIF(CAST(SUM(start_mrr) AS FLOAT64), 0) AS grr
FROM accounts
GROUP BY
  group_name
ORDER BY
  group_name NULLS LAST;
