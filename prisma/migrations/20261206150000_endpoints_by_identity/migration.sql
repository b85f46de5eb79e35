-- Identity to user: GET /v1/endpoints?identity=… looks an endpoint up by the name its provider knows it by.
CREATE INDEX "endpoints_tenant_id_identity_idx" ON "endpoints"("tenant_id", "identity");
