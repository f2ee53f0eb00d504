-- Each event's identity (the key it was given, else its content key), unique
-- within a scenario's log: the same event sent again is not stored twice.
-- Events logged before this version get their content key when the store is
-- opened (NULLs do not collide in a unique index).
ALTER TABLE events ADD COLUMN event_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS events_by_key ON events (scenario, event_key);
