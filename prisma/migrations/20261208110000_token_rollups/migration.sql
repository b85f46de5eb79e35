-- CreateTable
CREATE TABLE "token_rollups" (
    "tenant_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "provider" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error_code" TEXT NOT NULL,
    "count" BIGINT NOT NULL,
    "latency_buckets" INTEGER[],

    CONSTRAINT "token_rollups_pkey" PRIMARY KEY ("tenant_id","minute","provider","outcome","error_code")
);
