-- CreateTable
CREATE TABLE "chain_starts" (
    "log" TEXT NOT NULL,
    "last_unchained_id" UUID,

    CONSTRAINT "chain_starts_pkey" PRIMARY KEY ("log")
);

-- Rows written before the chains existed stay outside them; any later row must be in a chain.
INSERT INTO "chain_starts" ("log", "last_unchained_id")
  VALUES ('token_issuances', (SELECT "id" FROM "token_issuances" WHERE "chain_id" IS NULL ORDER BY "id" DESC LIMIT 1)),
         ('audit_events', (SELECT "id" FROM "audit_events" WHERE "chain_id" IS NULL ORDER BY "id" DESC LIMIT 1));

CREATE TRIGGER "chain_starts_fixed" BEFORE INSERT OR UPDATE OR DELETE ON "chain_starts"
  FOR EACH ROW EXECUTE FUNCTION "callpass_refuse_audit_change"();
CREATE TRIGGER "chain_starts_no_truncate" BEFORE TRUNCATE ON "chain_starts"
  FOR EACH STATEMENT EXECUTE FUNCTION "callpass_refuse_audit_change"();
