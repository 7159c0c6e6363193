-- An interview date (issue 17): the day D a user prepares for, the length K
-- of the final pass (days D-K .. D-1), whether new cards of the interview's
-- scope are paced to be introduced before D-K, and the scope itself: the
-- categories the interview covers, none meaning all. srs owns the rules
-- (srs/readiness.go); these columns only hold the user's choices.
ALTER TABLE settings ADD COLUMN interview_day INTEGER; -- a study day; NULL: no interview set
ALTER TABLE settings ADD COLUMN final_days INTEGER NOT NULL DEFAULT 3 CHECK (final_days BETWEEN 1 AND 14);
ALTER TABLE settings ADD COLUMN new_on_time INTEGER NOT NULL DEFAULT 1;

CREATE TABLE interview_scope (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, category_id)
) STRICT, WITHOUT ROWID;
