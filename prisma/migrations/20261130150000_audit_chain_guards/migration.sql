-- Chain positions start at 1: a row at 0 or below would sit before every chain's start.
ALTER TABLE "token_issuances" ADD CONSTRAINT "token_issuances_chain_seq_positive" CHECK ("chain_seq" > 0);
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chain_seq_positive" CHECK ("chain_seq" > 0);

-- A chain's head may move forward, never be removed (that would hide the chain from verification) or moved back.
CREATE FUNCTION "callpass_guard_chain_head"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq AND NEW.pruned_seq = OLD.pruned_seq AND NEW.pruned_hash = OLD.pruned_hash
     AND NEW.log = OLD.log AND NEW.chain_id = OLD.chain_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'chain heads only move forward: % on chain_heads refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "chain_heads_forward_only" BEFORE UPDATE OR DELETE ON "chain_heads"
  FOR EACH ROW EXECUTE FUNCTION "callpass_guard_chain_head"();
CREATE TRIGGER "chain_heads_no_truncate" BEFORE TRUNCATE ON "chain_heads"
  FOR EACH STATEMENT EXECUTE FUNCTION "callpass_refuse_audit_change"();
