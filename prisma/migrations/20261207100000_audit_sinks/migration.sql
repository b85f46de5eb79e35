-- CreateTable
CREATE TABLE "audit_sinks" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "logs" TEXT[],
    "token_outcomes" TEXT[],
    "max_batch_events" INTEGER NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "paused_reason" TEXT,
    "secret_ciphertext" TEXT NOT NULL,
    "secret_key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_sinks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_sink_cursors" (
    "sink_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "log" TEXT NOT NULL,
    "start_seq" BIGINT NOT NULL,
    "start_hash" TEXT NOT NULL,
    "delivered_seq" BIGINT NOT NULL,
    "delivered_hash" TEXT NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failing_since" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),

    CONSTRAINT "audit_sink_cursors_pkey" PRIMARY KEY ("sink_id","log")
);

-- CreateIndex
CREATE INDEX "audit_sinks_secret_key_id_idx" ON "audit_sinks"("secret_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_sinks_tenant_id_id_key" ON "audit_sinks"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_sinks_tenant_id_name_key" ON "audit_sinks"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "audit_sink_cursors_next_attempt_at_idx" ON "audit_sink_cursors"("next_attempt_at");

-- AddForeignKey
ALTER TABLE "audit_sinks" ADD CONSTRAINT "audit_sinks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_sink_cursors" ADD CONSTRAINT "audit_sink_cursors_tenant_id_sink_id_fkey" FOREIGN KEY ("tenant_id", "sink_id") REFERENCES "audit_sinks"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
