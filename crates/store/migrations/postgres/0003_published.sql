-- Figures the agency published for a period (its web page, its annual report), kept beside the
-- records so that a report can show both and say where they differ.
CREATE TABLE published_figures (
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    figure      TEXT NOT NULL,
    value       BIGINT NOT NULL,   -- a count, or cents for value_usd
    note        TEXT,
    PRIMARY KEY (period_from, period_to, figure)
);
