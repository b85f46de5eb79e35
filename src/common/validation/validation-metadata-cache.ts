import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Storage = ReturnType<typeof getMetadataStorage>;

const cached = new WeakSet<Storage>();

/**
 * class-validator works out a DTO's rules afresh on every validation: it filters every rule of the class and then
 * walks every class it knows (`instanceof` each) for inherited ones: a measurable share of each token request
 * (`npm run bench`'s profile). The rules of a class are fixed once it is defined (decorators run at definition, before
 * any request), so each class's list is kept after its first use. Schema-based and grouped validation, which
 * Callpass does not use, still take the library's own path.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  if (cached.has(storage)) return;
  cached.add(storage);
  const byClass = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  const grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const targetMetadatas = storage.getTargetValidationMetadatas.bind(storage);
  const groupByPropertyName = storage.groupByPropertyName.bind(storage);

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (schema || groups?.length) return targetMetadatas(target, schema, always, strictGroups, groups);
    let lists = byClass.get(target);
    if (!lists) byClass.set(target, (lists = new Map<string, ValidationMetadata[]>()));
    const options = `${always}:${strictGroups}`;
    let list = lists.get(options);
    if (!list) lists.set(options, (list = targetMetadatas(target, schema, always, strictGroups, groups)));
    return list;
  };
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) grouped.set(metadatas, (byProperty = groupByPropertyName(metadatas)));
    return byProperty;
  };
}
