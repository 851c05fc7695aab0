WITH book_rows AS (
  SELECT
    customer_id,
    product,
    price_adjustment,
    CAST(mrr AS NUMERIC) AS mrr,
    CAST(EXTRACT(YEAR FROM CAST(month AS DATE)) AS INT64) * 12 + CAST(EXTRACT(MONTH FROM CAST(month AS DATE)) AS INT64) - 1 AS m
  FROM mrr
), bounds AS (
  SELECT
    MIN(m) AS first_m,
    MAX(m) AS last_m,
    MIN(m) AS first_p,
    MAX(m) AS last_p
  FROM book_rows
), customer_periods AS (
  SELECT
    customer_id,
    m AS p,
    SUM(mrr) AS e
  FROM book_rows, bounds
  WHERE
    mrr > 0
  GROUP BY
    customer_id,
    m
), steps AS (
  SELECT
    customer_id,
    p,
    e,
    LAG(p) OVER (PARTITION BY customer_id ORDER BY p NULLS LAST) AS prev_p,
    LAG(e) OVER (PARTITION BY customer_id ORDER BY p NULLS LAST) AS prev_e,
    LEAD(p) OVER (PARTITION BY customer_id ORDER BY p NULLS LAST) AS next_p
  FROM customer_periods
), events AS (
  SELECT
    customer_id,
    p,
    CASE WHEN prev_p = p - 1 THEN prev_e ELSE 0 END AS s,
    e,
    NOT prev_p IS NULL AS had_before
  FROM steps
  UNION ALL
  SELECT
    customer_id,
    p + 1 AS p,
    e AS s,
    0 AS e,
    TRUE AS had_before
  FROM steps, bounds
  WHERE
    e > 0 AND (
      next_p IS NULL OR next_p > p + 1
    ) AND p < last_p
), bridge AS (
  SELECT
    p,
    SUM(s) AS start_mrr,
    SUM(CASE WHEN s = 0 AND e > 0 AND NOT had_before THEN e ELSE 0 END) AS `new`,
    SUM(CASE WHEN s = 0 AND e > 0 AND had_before THEN e ELSE 0 END) AS reactivation,
    SUM(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END) AS expansion,
    SUM(CASE WHEN s > 0 AND e > 0 AND e < s THEN s - e ELSE 0 END) AS contraction,
    SUM(CASE WHEN s > 0 AND e = 0 THEN s ELSE 0 END) AS churn,
    SUM(e) AS end_mrr,
    SUM(CASE WHEN s > 0 THEN 1 ELSE 0 END) AS customers_start,
    SUM(CASE WHEN s = 0 AND e > 0 AND NOT had_before THEN 1 ELSE 0 END) AS new_customers,
    SUM(CASE WHEN s = 0 AND e > 0 AND had_before THEN 1 ELSE 0 END) AS reactivated_customers,
    SUM(CASE WHEN s > 0 AND e = 0 THEN 1 ELSE 0 END) AS churned_customers,
    SUM(CASE WHEN e > 0 THEN 1 ELSE 0 END) AS customers_end
  FROM events
  GROUP BY
    p
), pair_periods AS (
  SELECT
    customer_id,
    product,
    m AS p,
    SUM(mrr) AS pair_end,
    MAX(CASE WHEN price_adjustment THEN 1 ELSE 0 END) AS flagged
  FROM book_rows, bounds
  GROUP BY
    customer_id,
    product,
    m
), pair_steps AS (
  SELECT
    customer_id,
    p,
    pair_end,
    flagged,
    CASE
      WHEN LAG(p) OVER (PARTITION BY customer_id, product ORDER BY p NULLS LAST) = p - 1
      THEN LAG(pair_end) OVER (PARTITION BY customer_id, product ORDER BY p NULLS LAST)
      ELSE 0
    END AS pair_start
  FROM pair_periods
), gains AS (
  SELECT
    customer_id,
    p,
    SUM(CASE WHEN pair_start > 0 AND flagged = 0 THEN pair_end - pair_start ELSE 0 END) AS upsell,
    SUM(CASE WHEN pair_start = 0 THEN pair_end ELSE 0 END) AS cross_sell,
    SUM(CASE WHEN pair_start > 0 AND flagged = 1 THEN pair_end - pair_start ELSE 0 END) AS price_adjustment
  FROM pair_steps
  WHERE
    pair_end > pair_start
  GROUP BY
    customer_id,
    p
), split AS (
  SELECT
    g.p,
    SUM(
      ROUND(
        CAST(CAST(g.upsell AS FLOAT64) * (
          CAST(ev.e - ev.s AS FLOAT64) / CAST(g.upsell + g.cross_sell + g.price_adjustment AS FLOAT64)
        ) AS NUMERIC),
        6
      )
    ) AS upsell,
    SUM(
      ROUND(
        CAST(CAST(g.cross_sell AS FLOAT64) * (
          CAST(ev.e - ev.s AS FLOAT64) / CAST(g.upsell + g.cross_sell + g.price_adjustment AS FLOAT64)
        ) AS NUMERIC),
        6
      )
    ) AS cross_sell,
    SUM(
      ROUND(
        CAST(CAST(g.price_adjustment AS FLOAT64) * (
          CAST(ev.e - ev.s AS FLOAT64) / CAST(g.upsell + g.cross_sell + g.price_adjustment AS FLOAT64)
        ) AS NUMERIC),
        6
      )
    ) AS price_adjustment
  FROM events AS ev
  JOIN gains AS g
    ON g.customer_id = ev.customer_id AND g.p = ev.p
  WHERE
    ev.s > 0 AND ev.e > ev.s
  GROUP BY
    g.p
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
    first_p + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS p
  FROM bounds, digits AS a, digits AS b, digits AS c, digits AS e
  WHERE
    first_p + a.d + 10 * b.d + 100 * c.d + 1000 * e.d <= last_p
)
SELECT
  CAST(DIV(spine.p, 12) AS STRING) || '-' || LPAD(CAST(MOD(spine.p, 12) + 1 AS STRING), 2, '0') AS period,
  COALESCE(b.start_mrr, 0) AS start_mrr,
  COALESCE(b.`new`, 0) AS `new`,
  COALESCE(b.reactivation, 0) AS reactivation,
  COALESCE(b.expansion, 0) AS expansion,
  COALESCE(b.contraction, 0) AS contraction,
  COALESCE(b.churn, 0) AS churn,
  COALESCE(b.end_mrr, 0) AS end_mrr,
  CAST(b.start_mrr + b.expansion - b.contraction - b.churn AS FLOAT64) / NULLIF(CAST(b.start_mrr AS FLOAT64), 0) AS nrr,
  CAST(b.start_mrr - b.contraction - b.churn AS FLOAT64) / NULLIF(CAST(b.start_mrr AS FLOAT64), 0) AS grr,
  CAST(COALESCE(b.customers_start, 0) AS INT64) AS customers_start,
  CAST(COALESCE(b.new_customers, 0) AS INT64) AS new_customers,
  CAST(COALESCE(b.reactivated_customers, 0) AS INT64) AS reactivated_customers,
  CAST(COALESCE(b.churned_customers, 0) AS INT64) AS churned_customers,
  CAST(COALESCE(b.customers_end, 0) AS INT64) AS customers_end,
  CAST(b.churned_customers AS FLOAT64) / NULLIF(CAST(b.customers_start AS FLOAT64), 0) AS logo_churn,
  CAST(b.`new` + b.expansion + b.reactivation AS FLOAT64) / NULLIF(CAST(b.contraction + b.churn AS FLOAT64), 0) AS quick_ratio,
  COALESCE(x.upsell, 0) AS upsell,
  COALESCE(x.cross_sell, 0) AS cross_sell,
  COALESCE(x.price_adjustment, 0) AS price_adjustment
FROM spine
LEFT JOIN bridge AS b
  ON b.p = spine.p
LEFT JOIN split AS x
  ON x.p = spine.p
ORDER BY
  spine.p NULLS LAST;
