-- A person without an e-mail is known by given name, family name and country alone, and is
-- never the same person as one with an e-mail: one such person per name key.
DROP INDEX persons_name_key;
CREATE UNIQUE INDEX persons_name_key_without_email ON persons (name_key) WHERE email_key IS NULL;
