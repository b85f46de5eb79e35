-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "chain_hash" TEXT,
ADD COLUMN     "chain_id" UUID,
ADD COLUMN     "chain_prev" TEXT,
ADD COLUMN     "chain_seq" BIGINT;

-- AlterTable
ALTER TABLE "token_issuances" ADD COLUMN     "chain_hash" TEXT,
ADD COLUMN     "chain_id" UUID,
ADD COLUMN     "chain_prev" TEXT,
ADD COLUMN     "chain_seq" BIGINT;

-- CreateTable
CREATE TABLE "chain_heads" (
    "log" TEXT NOT NULL,
    "chain_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "pruned_seq" BIGINT NOT NULL DEFAULT 0,
    "pruned_hash" TEXT NOT NULL,
    "anchored_seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_heads_pkey" PRIMARY KEY ("log","chain_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_chain_id_chain_seq_key" ON "audit_events"("chain_id", "chain_seq");

-- CreateIndex
CREATE UNIQUE INDEX "token_issuances_chain_id_chain_seq_key" ON "token_issuances"("chain_id", "chain_seq");

-- Append-only, in the database too: no UPDATE or DELETE of audit rows, whoever asks (Prisma's schema does not
-- model triggers). Pruning old rows is the table owner's job: see README, Operations, "Audit retention".
CREATE FUNCTION "callpass_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "token_issuances_append_only" BEFORE UPDATE OR DELETE ON "token_issuances"
  FOR EACH ROW EXECUTE FUNCTION "callpass_refuse_audit_change"();
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "callpass_refuse_audit_change"();
CREATE TRIGGER "token_issuances_no_truncate" BEFORE TRUNCATE ON "token_issuances"
  FOR EACH STATEMENT EXECUTE FUNCTION "callpass_refuse_audit_change"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "callpass_refuse_audit_change"();
