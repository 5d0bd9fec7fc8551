-- Whether the period was approved when its report was published: 1 approved, 0 published
-- unapproved by an admin's explicit choice, NULL published before this was kept.
ALTER TABLE publications ADD COLUMN approved INTEGER CHECK (approved IN (0, 1));
