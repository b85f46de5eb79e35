import { Prisma } from '../generated/prisma/client';

/** A DTO instance as plain JSON for a Json column; `null` fields are dropped (null means "remove" in updates). */
export function toJsonObject(value: object): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(value, (_key, field: unknown) => (field === null ? undefined : field))) as Prisma.InputJsonObject;
}
