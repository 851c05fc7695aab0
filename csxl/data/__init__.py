"""Read, validate and normalise raw inputs; the demo data set."""
