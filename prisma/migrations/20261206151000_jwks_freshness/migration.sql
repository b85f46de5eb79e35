-- AlterTable
ALTER TABLE "end_user_issuers" ADD COLUMN "jwks_max_age_seconds" INTEGER NOT NULL DEFAULT 60;

-- CreateTable
CREATE TABLE "end_user_jwks_status" (
    "issuer_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "fetched_at" TIMESTAMPTZ(3),
    "key_ids" TEXT[],
    "error_cause" TEXT,
    "error_status" INTEGER,
    "error_at" TIMESTAMPTZ(3),

    CONSTRAINT "end_user_jwks_status_pkey" PRIMARY KEY ("issuer_id")
);

-- CreateIndex
CREATE INDEX "end_user_jwks_status_tenant_id_idx" ON "end_user_jwks_status"("tenant_id");

-- AddForeignKey
ALTER TABLE "end_user_jwks_status" ADD CONSTRAINT "end_user_jwks_status_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "end_user_issuers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
